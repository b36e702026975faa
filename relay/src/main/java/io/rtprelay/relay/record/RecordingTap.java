package io.rtprelay.relay.record;

import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The recording side of one stream: copies each packet the stream forwards into the recording ring as a
 * {@link RecordedPacket} message for the {@link PcapWriterAgent}, or counts it as dropped when the ring has no room
 * (the packet itself is forwarded either way; recording never blocks the media path).
 *
 * <p>Owned by the stream's event loop, the only caller of {@link #onPacket}; attached and detached by posting to the
 * loop ({@code StreamProxy.record}). Allocation: none per packet. The sender's address bytes are encoded once per
 * new sender ({@link #onNewSourceSlowPath}), the local ones once at construction. Counters are single-writer,
 * published with release writes and read from any thread with acquire reads.
 */
public final class RecordingTap {
    /** The largest payload recorded: a UDP datagram's. */
    public static final int MAX_PAYLOAD = 65_535;

    private static final VarHandle RECORDED;
    private static final VarHandle DROPPED;

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            RECORDED = lookup.findVarHandle(RecordingTap.class, "recorded", long.class);
            DROPPED = lookup.findVarHandle(RecordingTap.class, "dropped", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RingBuffer ring;
    private final AtomicBuffer buffer;
    private final int recordingId;
    private final int type;
    private final byte[] localAddress = new byte[16];
    private final short localPort;
    private final byte[] sourceAddress = new byte[16];
    private InetSocketAddress lastSource;
    private short sourcePort;
    private long recorded;
    private long dropped;

    /**
     * @param ring        the recording ring (its maximum message must hold {@link #MAX_PAYLOAD} bytes).
     * @param recordingId the recording the packets belong to.
     * @param local       the stream's local socket address: the recorded packets' destination.
     */
    RecordingTap(final RingBuffer ring, final int recordingId, final InetSocketAddress local) {
        if (ring.maxMsgLength() < RecordedPacket.PAYLOAD_OFFSET + MAX_PAYLOAD) {
            throw new IllegalArgumentException("ring messages of " + ring.maxMsgLength() + " bytes are too small");
        }
        this.ring = ring;
        this.buffer = ring.buffer();
        this.recordingId = recordingId;
        final InetAddress address = local.getAddress();
        this.type = address instanceof Inet4Address ? RecordedPacket.TYPE_IPV4 : RecordedPacket.TYPE_IPV6;
        encode(address, localAddress, type);
        this.localPort = (short)local.getPort();
    }

    /**
     * Copies one forwarded packet into the ring, or counts it dropped; the stream's loop only.
     *
     * @param buf    the packet as forwarded, its readable bytes the UDP payload; not modified, not released.
     * @param source who sent it.
     * @param nowNs  {@link System#nanoTime()} of the read batch.
     */
    public void onPacket(final ByteBuf buf, final InetSocketAddress source, final long nowNs) {
        if (!source.equals(lastSource)) {
            onNewSourceSlowPath(source);
        }
        final int length = buf.readableBytes();
        final int index = length > MAX_PAYLOAD ? RingBuffer.INSUFFICIENT_CAPACITY
            : ring.tryClaim(type, RecordedPacket.PAYLOAD_OFFSET + length);
        if (index < 0) {
            DROPPED.setRelease(this, dropped + 1);
            return;
        }
        buffer.putLong(index + RecordedPacket.NOW_NS_OFFSET, nowNs, ByteOrder.BIG_ENDIAN);
        buffer.putInt(index + RecordedPacket.RECORDING_ID_OFFSET, recordingId, ByteOrder.BIG_ENDIAN);
        buffer.putShort(index + RecordedPacket.SOURCE_PORT_OFFSET, sourcePort, ByteOrder.BIG_ENDIAN);
        buffer.putShort(index + RecordedPacket.DESTINATION_PORT_OFFSET, localPort, ByteOrder.BIG_ENDIAN);
        buffer.putBytes(index + RecordedPacket.SOURCE_ADDRESS_OFFSET, sourceAddress);
        buffer.putBytes(index + RecordedPacket.DESTINATION_ADDRESS_OFFSET, localAddress);
        final ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), length);
        buffer.putBytes(index + RecordedPacket.PAYLOAD_OFFSET, nio, nio.position(), length);
        ring.commit(index);
        RECORDED.setRelease(this, recorded + 1);
    }

    /** A sender not seen just before (the first packet, or a new source): encode its address once. */
    private void onNewSourceSlowPath(final InetSocketAddress source) {
        lastSource = source;
        sourcePort = (short)source.getPort();
        encode(source.getAddress(), sourceAddress, type);
    }

    /** IPv4 into the first 4 bytes; IPv6 into all 16 (an IPv4 sender on an IPv6 socket as ::ffff:a.b.c.d). */
    private static void encode(final InetAddress address, final byte[] into, final int type) {
        final byte[] raw = address.getAddress();
        Arrays.fill(into, (byte)0);
        if (type == RecordedPacket.TYPE_IPV6 && raw.length == 4) {
            into[10] = (byte)0xff;
            into[11] = (byte)0xff;
            System.arraycopy(raw, 0, into, 12, 4);
        } else {
            System.arraycopy(raw, 0, into, 0, Math.min(raw.length, into.length));
        }
    }

    /** @return the recording these packets belong to. */
    public int recordingId() {
        return recordingId;
    }

    /** @return packets copied into the ring. Any thread. */
    public long recorded() {
        return (long)RECORDED.getAcquire(this);
    }

    /** @return packets not recorded because the ring was full (or the packet too large). Any thread. */
    public long dropped() {
        return (long)DROPPED.getAcquire(this);
    }
}
