package io.rtprelay.relay.record;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recording path without sockets: taps copy packets into a real ring, the real writer thread writes real files,
 * and the bytes are checked against the pcap format (libpcap's file and record headers, RFC 791 / RFC 8200 / RFC 768
 * headers as rtpengine synthesises them).
 */
@Timeout(30)
class PacketRecorderTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    /** A direct buffer as the loops receive into (wrapped: not tracked by the paranoid leak detector, 1,000 reads). */
    private static ByteBuf packet(final int length, final int fill) {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)fill);
        final ByteBuf buf = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(length + 16)).clear();
        buf.writeBytes(bytes);
        return buf;
    }

    @Test
    void packetsOfIpv4AndIpv6StreamsBecomeRawIpRecordsWithRtpenginesHeaders() throws Exception {
        final Path file = dir.resolve("call.pcap");
        final InetSocketAddress alice = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 5004);
        final InetSocketAddress bob = new InetSocketAddress(InetAddress.getByName("2001:db8::9"), 6000);
        try (PacketRecorder recorder = new PacketRecorder(MIB)) {
            recorder.open(7, file, PcapFormat.LINKTYPE_RAW);
            final RecordingTap v4 = recorder.tap(7, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 30000));
            final RecordingTap v6 = recorder.tap(7, new InetSocketAddress(InetAddress.getByName("::1"), 30002));
            final ByteBuf first = packet(172, 0x11);
            v4.onPacket(first, alice, System.nanoTime());
            assertEquals(0, first.readerIndex(), "the forwarded buffer is read, not consumed");
            assertEquals(1, first.refCnt(), "nor released");
            v6.onPacket(packet(20, 0x22), bob, System.nanoTime());
            assertEquals(1, v4.recorded());
            assertEquals(1, v6.recorded());
            assertEquals(2L, recorder.close(7).get(5, TimeUnit.SECONDS));
            first.release();
        }
        final ByteBuffer pcap = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(24 + 16 + 200 + 16 + 68, pcap.remaining());
        assertEquals(0xa1b2c3d4, pcap.getInt(0), "microsecond magic");
        assertEquals(2, pcap.getShort(4));
        assertEquals(4, pcap.getShort(6));
        assertEquals(65_535, pcap.getInt(16));
        assertEquals(PcapFormat.LINKTYPE_RAW, pcap.getInt(20));
        // record 1: IPv4
        final long nowS = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(nowS - (pcap.getInt(24) & 0xffffffffL)) < 60, "ts_sec is the epoch");
        assertEquals(200, pcap.getInt(32));
        assertEquals(200, pcap.getInt(36));
        final byte[] v4 = Arrays.copyOfRange(pcap.array(), 40, 68);
        assertArrayEquals(new byte[] {0x45, 0, 0, (byte)200, 0, 0, 0, 0, 64, 17, 0, 0, (byte)192, 0, 2, 7,
            127, 0, 0, 1, 0x13, (byte)0x8c, 0x75, 0x30, 0, (byte)180, 0, 0}, v4);
        assertEquals(0x11, pcap.get(68));
        assertEquals(0x11, pcap.get(68 + 171));
        // record 2: IPv6
        final int r2 = 24 + 16 + 200;
        assertEquals(68, pcap.getInt(r2 + 8));
        final ByteBuffer ip6 = ByteBuffer.wrap(pcap.array(), r2 + 16, 48).order(ByteOrder.BIG_ENDIAN);
        assertEquals(0x6000_0000, ip6.getInt());
        assertEquals(28, ip6.getShort(), "payload length: UDP header and data");
        assertEquals(17, ip6.get());
        assertEquals(64, ip6.get());
        final byte[] source = new byte[16];
        ip6.get(source);
        assertArrayEquals(InetAddress.getByName("2001:db8::9").getAddress(), source);
        final byte[] destination = new byte[16];
        ip6.get(destination);
        assertArrayEquals(InetAddress.getByName("::1").getAddress(), destination);
        assertEquals(6000, ip6.getShort() & 0xffff);
        assertEquals(30002, ip6.getShort() & 0xffff);
        assertEquals(28, ip6.getShort());
        assertEquals(0, ip6.getShort());
    }

    @Test
    void recordingFormatEthAddsAZeroEthernetHeader() throws Exception {
        final Path file = dir.resolve("eth.pcap");
        try (PacketRecorder recorder = new PacketRecorder(MIB)) {
            recorder.open(1, file, PcapFormat.LINKTYPE_ETHERNET);
            final RecordingTap tap = recorder.tap(1, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4000));
            tap.onPacket(packet(12, 0x80), new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5000), 0);
            assertEquals(1L, recorder.close(1).get(5, TimeUnit.SECONDS));
        }
        final ByteBuffer pcap = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(PcapFormat.LINKTYPE_ETHERNET, pcap.getInt(20));
        assertEquals(14 + 20 + 8 + 12, pcap.getInt(32));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0x45},
            Arrays.copyOfRange(pcap.array(), 40, 55));
    }

    @Test
    void aFullRingDropsAndCountsInsteadOfBlocking() throws Exception {
        // a ring nobody drains: the tap must never wait for room
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(MIB + RingBufferDescriptor.TRAILER_LENGTH)));
        final RecordingTap tap = new RecordingTap(ring, 3, new InetSocketAddress(InetAddress.getLoopbackAddress(), 1));
        final InetSocketAddress source = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2);
        final ByteBuf buf = packet(1000, 1);
        final int attempts = MIB / 1000 + 100;
        for (int i = 0; i < attempts; i++) {
            tap.onPacket(buf, source, i);
        }
        buf.release();
        assertTrue(tap.dropped() > 0, "the ring filled up");
        assertTrue(tap.recorded() > MIB / (1000 + RecordedPacket.PAYLOAD_OFFSET + 8) - 2, "it held what fits");
        assertEquals(attempts, tap.recorded() + tap.dropped());
        final int[] read = new int[1];
        ring.read((type, buffer, index, length) -> {
            assertEquals(RecordedPacket.TYPE_IPV4, type);
            assertEquals(3, buffer.getInt(index + RecordedPacket.RECORDING_ID_OFFSET, ByteOrder.BIG_ENDIAN));
            assertEquals(RecordedPacket.PAYLOAD_OFFSET + 1000, length);
            read[0]++;
        }, Integer.MAX_VALUE);
        assertEquals(tap.recorded(), read[0]);
    }
}
