package io.rtprelay.relay.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.rtprelay.relay.record.RecordingTap;
import io.rtprelay.relay.stream.DtlsTransport;
import io.rtprelay.relay.stream.MediaControl;
import io.rtprelay.relay.stream.Stream;
import io.rtprelay.relay.transport.DatagramEnvelope;
import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpStatus;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The per-packet path of one event loop: latch the source on the receiving stream, then hand the received buffer
 * itself (zero copy, ownership passes to the peer socket) to the peer stream's socket, addressed to the peer's
 * endpoint. Every other outcome goes through one drop exit, which releases the buffer and counts the reason.
 *
 * <p>Recording: a stream with a {@link RecordingTap} has the packet copied into the recording ring just before it is
 * sent (plain RTP, after unprotect and before protect); the tap never blocks and counts what does not fit.
 *
 * <p>SRTP: a stream with an ingress context unprotects the packet in place first (before it latches: no state from
 * an unauthenticated packet, only the {@code STRICT_SOURCE} check runs before); the peer stream's egress context
 * protects it in place last, appending the tag in the buffer's tailroom (Netty's receive buffers are 2048 bytes;
 * for epoll's datagram slices the parent buffer is sent instead, see {@link #roomSlowPath}). Both work on the
 * buffer's internal NIO view ({@link ByteBuf#internalNioBuffer}), which Netty caches per pooled buffer: no copy, no
 * allocation.
 *
 * <p>Owned by one event loop and called only on it, for sockets registered on it. Allocation: none; the write's
 * addressed envelope is a pooled {@link DatagramEnvelope} (0 B per forwarded packet in JMH's {@code ForwardBenchmark}
 * with {@code -prof gc}); Netty's epoll read path still allocates its own {@code DatagramPacket} per read
 * (docs/PERFORMANCE.md). Writes are not flushed here: the caller flushes the returned channel once per read batch.
 */
public final class Forwarder {
    /** The fixed part of an RTP header (RFC 3550 §5.1). */
    private static final int RTP_HEADER_BYTES = 12;

    private final ForwarderCounters counters;

    /** @param counters this loop's counters, written only by this forwarder. */
    public Forwarder(final ForwarderCounters counters) {
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** @return this loop's counters. */
    public ForwarderCounters counters() {
        return counters;
    }

    /**
     * Forwards one received packet, or drops it.
     *
     * @param in     the stream of the socket the packet was read on.
     * @param buf    the packet; ownership passes to this method (written or released).
     * @param source the packet's source address, as received.
     * @param nowNs  {@link System#nanoTime()} of the read batch.
     * @return the channel the packet was written to, to flush at the end of the read batch; null when dropped.
     */
    public Channel onPacket(final Stream in, final ByteBuf buf, final InetSocketAddress source, final long nowNs) {
        final int bytes = buf.readableBytes();
        counters.onReceived(bytes);
        final DtlsTransport dtls = in.dtls();
        if (dtls != null && isDtls(buf)) {
            dtls.onRecord(buf, source);
            buf.release();
            counters.onDrop(DropReason.DTLS_RECORD);
            return null;
        }
        final boolean rtcp = isRtcp(in, buf);
        final SrtpContext ingress = in.srtpIngress();
        if (ingress != null) {
            if (!in.acceptsSource(source)) {
                return drop(in, buf, DropReason.FOREIGN_SOURCE);
            }
            final int status = unprotect(ingress, rtcp, buf);
            if (status < 0) {
                return drop(in, buf, ingressDropReason(status));
            }
        }
        final int verdict = in.onReceive(source, bytes, nowNs, ssrc(rtcp, buf), seq(rtcp, buf), ingress != null);
        if (verdict != Stream.ACCEPTED) {
            return drop(in, buf, verdict == Stream.FOREIGN ? DropReason.FOREIGN_SOURCE : DropReason.TAKEOVER_REFUSED);
        }
        if (in.isBlocked()) {
            return drop(in, buf, DropReason.BLOCKED);
        }
        final MediaControl control = in.mediaControl();
        if (control.actions() != 0 && !(rtcp && (control.rtcpMux() || in.isRtcp()))) {
            final DropReason refused = onMediaControlSlowPath(control, buf);
            if (refused != null) {
                return drop(in, buf, refused);
            }
        }
        final Stream out = in.peer();
        if (out == null) {
            return drop(in, buf, DropReason.NO_PEER);
        }
        final InetSocketAddress destination = out.endpoint();
        if (destination == null) {
            return drop(in, buf, DropReason.NO_DESTINATION);
        }
        final Channel channel = out.channel();
        if (!channel.isWritable()) {
            return drop(in, buf, notWritableSlowPath(channel));
        }
        final RecordingTap recording = in.recording();
        if (recording != null) {
            recording.onPacket(buf, source, nowNs);
        }
        ByteBuf packet = buf;
        final SrtpContext egress = out.srtpEgress();
        if (egress != null) {
            packet = protect(egress, rtcp, buf);
            if (packet == null) {
                out.onSendFailed();
                counters.onDrop(DropReason.SRTP_PROTECT_FAILED);
                return null;
            }
        }
        final int sent = packet.readableBytes();
        channel.write(DatagramEnvelope.of(packet, destination), channel.voidPromise());
        out.onSent(sent);
        counters.onRelayed(sent);
        return channel;
    }

    /** @return whether the packet is a DTLS record by RFC 7983 §7's first-byte ranges (20..63). */
    private static boolean isDtls(final ByteBuf buf) {
        if (!buf.isReadable()) {
            return false;
        }
        final int first = buf.getUnsignedByte(buf.readerIndex());
        return first >= 20 && first <= 63;
    }

    /**
     * @return whether the packet takes the SRTCP transform: everything on an RTCP stream, and on an RTP stream the
     *     packet types 192-223 that RTCP multiplexed with RTP uses (RFC 5761 §4).
     */
    private static boolean isRtcp(final Stream in, final ByteBuf buf) {
        if (in.isRtcp()) {
            return true;
        }
        if (buf.readableBytes() < 2) {
            return false;
        }
        final int type = buf.getUnsignedByte(buf.readerIndex() + 1);
        return type >= 192 && type <= 223;
    }

    /**
     * rtpengine's block media, silence media and block DTMF on an RTP packet (never RTCP; an RTCP packet on the RTP
     * port only when rtcp-mux is negotiated, else it is one more packet of the RTP port), after it is unprotected:
     * a telephone-event (RFC 4733) is dropped under {@link MediaControl#BLOCK_DTMF} and otherwise untouched; other
     * RTP is dropped under {@link MediaControl#BLOCK_MEDIA}, or has its payload overwritten in place with its codec's
     * silence under {@link MediaControl#SILENCE_MEDIA}. Something that is not an RTP version 2 packet passes.
     *
     * @return why to drop the packet, or null to forward it (silenced or not).
     */
    static DropReason onMediaControlSlowPath(final MediaControl control, final ByteBuf buf) {
        final int index = buf.readerIndex();
        final int length = buf.readableBytes();
        if (length < RTP_HEADER_BYTES) {
            return null;
        }
        final int first = buf.getUnsignedByte(index);
        if (first >>> 6 != 2) {
            return null;
        }
        final int payloadType = buf.getUnsignedByte(index + 1) & 0x7F;
        final int actions = control.actions();
        if (control.isTelephoneEvent(payloadType)) {
            return (actions & MediaControl.BLOCK_DTMF) != 0 ? DropReason.DTMF_BLOCKED : null;
        }
        if ((actions & MediaControl.BLOCK_MEDIA) != 0) {
            return DropReason.BLOCKED;
        }
        final byte silence = control.silence(payloadType);
        if ((actions & MediaControl.SILENCE_MEDIA) != 0 && silence != 0) {
            silence(buf, index, length, first, silence);
        }
        return null;
    }

    /**
     * Overwrites the payload of an RTP packet (RFC 3550 §5.1: after the 12 fixed bytes, the CSRC list and any header
     * extension, before any padding) with one byte repeated; leaves a packet whose lengths do not add up alone.
     */
    private static void silence(final ByteBuf buf, final int index, final int length, final int first,
        final byte silence) {
        int offset = RTP_HEADER_BYTES + 4 * (first & 0x0F);
        if ((first & 0x10) != 0) {
            if (offset + 4 > length) {
                return;
            }
            offset += 4 + 4 * buf.getUnsignedShort(index + offset + 2);
        }
        int end = length;
        if ((first & 0x20) != 0) {
            end -= buf.getUnsignedByte(index + length - 1);
        }
        // eight bytes a write (the byte order does not matter: every byte is the same), then the rest
        final long eight = (silence & 0xFFL) * 0x0101_0101_0101_0101L;
        int i = offset;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            buf.setLong(index + i, eight);
        }
        for (; i < end; i++) {
            buf.setByte(index + i, silence);
        }
    }

    /** @return the SSRC of an RTP packet (RFC 3550 §5.1) or the sender SSRC of RTCP (§6.4), 0 when too short. */
    private static int ssrc(final boolean rtcp, final ByteBuf buf) {
        final int offset = rtcp ? 4 : 8;
        return buf.readableBytes() >= offset + 4 ? buf.getInt(buf.readerIndex() + offset) : 0;
    }

    /** @return the RTP sequence number (RFC 3550 §5.1), or -1 for RTCP and packets too short to carry one. */
    private static int seq(final boolean rtcp, final ByteBuf buf) {
        return buf.readableBytes() >= 12 && !rtcp ? buf.getUnsignedShort(buf.readerIndex() + 2) : -1;
    }

    /** Unprotects in place and trims the buffer to the RTP/RTCP packet; returns the length or an SrtpStatus. */
    private static int unprotect(final SrtpContext context, final boolean rtcp, final ByteBuf buf) {
        final int index = buf.readerIndex();
        final int length = buf.readableBytes();
        final ByteBuffer nio = buf.internalNioBuffer(index, length);
        final int status = rtcp ? context.unprotectRtcp(nio, nio.position(), length)
            : context.unprotectRtp(nio, nio.position(), length);
        if (status >= 0) {
            buf.writerIndex(index + status);
        }
        return status;
    }

    /**
     * Protects in place, the tag appended in the buffer's tailroom.
     *
     * @return the buffer to send (normally {@code buf}; see {@link #roomSlowPath}), or null when protection failed
     *     (the buffer is then released).
     */
    private static ByteBuf protect(final SrtpContext context, final boolean rtcp, final ByteBuf buf) {
        final int overhead = rtcp ? context.rtcpOverhead() : context.rtpOverhead();
        final ByteBuf target = buf.capacity() - buf.writerIndex() >= overhead ? buf : roomSlowPath(buf, overhead);
        final int index = target.readerIndex();
        final int length = target.readableBytes();
        final ByteBuffer nio = target.internalNioBuffer(index, length + overhead);
        final int status = rtcp ? context.protectRtcp(nio, nio.position(), length)
            : context.protectRtp(nio, nio.position(), length);
        if (status < 0) {
            target.release();
            return null;
        }
        target.writerIndex(index + status);
        return target;
    }

    /**
     * The packet's buffer has no tailroom for the tag. Epoll hands each datagram over as a slice of its receive
     * buffer (capacity = the datagram): when the slice is exactly the parent's readable bytes, the parent's tailroom
     * belongs to this packet alone, so the parent is sent instead of the slice (zero copy, the slice's reference
     * passing to the parent). Not when a leak detector wraps the slice: it shares its tracker with the parent's
     * wrapper, which is out of reach, and the tracker would never close; such sampled buffers, and anything else
     * (a packet filling its buffer), are copied into a buffer with room: rare, and allocating.
     *
     * @return a buffer holding the packet as its readable bytes, with at least {@code overhead} bytes of tailroom;
     *     {@code buf} is released or handed over.
     */
    static ByteBuf roomSlowPath(final ByteBuf buf, final int overhead) {
        final ByteBuf parent = buf.unwrap();
        final int length = buf.readableBytes();
        if (parent != null && parent.capacity() > buf.capacity() && buf.nioBufferCount() == 1
            && parent.nioBufferCount() == 1) {
            // Both views are the parent's memory: their positions locate the slice in the parent.
            final int slicePosition = buf.internalNioBuffer(buf.readerIndex(), length).position();
            final int start = slicePosition - parent.internalNioBuffer(0, parent.capacity()).position();
            if (start == parent.readerIndex() && start + length == parent.writerIndex()
                && parent.capacity() - parent.writerIndex() >= overhead) {
                parent.retain();
                buf.release();
                return parent;
            }
        }
        final ByteBuf copy = buf.alloc().directBuffer(length + overhead);
        copy.writeBytes(buf, buf.readerIndex(), length);
        buf.release();
        return copy;
    }

    private static DropReason ingressDropReason(final int status) {
        return switch (status) {
            case SrtpStatus.AUTH_FAILED, SrtpStatus.BAD_MKI -> DropReason.SRTP_AUTH_FAILED;
            case SrtpStatus.REPLAYED -> DropReason.SRTP_REPLAY;
            case SrtpStatus.SSRC_LIMIT -> DropReason.SRTP_SSRC_LIMIT;
            case SrtpStatus.KEY_EXPIRED -> DropReason.SRTP_KEY_EXPIRED;
            default -> DropReason.SRTP_INVALID;
        };
    }

    /**
     * Counts a packet that a stream's socket accepted for sending and then failed to send (Netty reports it as an
     * exception on that socket's pipeline, as the write used the void promise).
     *
     * @param out the stream whose socket failed.
     */
    public void onWriteFailed(final Stream out) {
        out.onSendFailed();
        counters.onDrop(DropReason.WRITE_FAILED);
    }

    private static DropReason notWritableSlowPath(final Channel channel) {
        return channel.isActive() ? DropReason.NOT_WRITABLE : DropReason.PEER_CLOSED;
    }

    private Channel drop(final Stream in, final ByteBuf buf, final DropReason reason) {
        buf.release();
        in.onDropped();
        counters.onDrop(reason);
        return null;
    }
}
