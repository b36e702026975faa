package io.rtprelay.relay.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.AddressedEnvelope;
import io.rtprelay.relay.record.PacketRecorder;
import io.rtprelay.relay.record.PcapFormat;
import io.rtprelay.relay.stream.LatchMode;
import io.rtprelay.relay.stream.Stream;
import io.rtprelay.relay.stream.StreamProxy;
import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The egress tailroom paths of the forwarder on Netty's embedded channels (real channels that keep what is written):
 * an epoll-style datagram slice is sent as its parent buffer, tag in the parent's tailroom, without a copy; a
 * packet whose buffer has no room at all is copied. The loopback suites (AbstractSrtpForwardingTest) run with the
 * leak detector wrapping every buffer, which takes the copying path on epoll; this covers the zero-copy one.
 */
class ForwarderSrtpTest {
    private static final InetSocketAddress PHONE_A = new InetSocketAddress("127.0.0.1", 4000);
    private static final InetSocketAddress PHONE_B = new InetSocketAddress("127.0.0.1", 5000);
    /** Leak detection off: these buffers are raw, as most are in production (the detector samples). */
    private static final UnpooledByteBufAllocator RAW = new UnpooledByteBufAllocator(true, true);

    private final EmbeddedChannel channelB = new EmbeddedChannel();
    private final EmbeddedChannel channelA = new EmbeddedChannel();
    private final Forwarder forwarder = new Forwarder(new ForwarderCounters());
    private Stream fromB;
    private Stream toA;
    private SrtpPolicy towardsA;
    private SrtpContext phoneA;

    @BeforeEach
    void bridgeRtpFromBToSrtpToA() {
        final SrtpPolicy policy = SrtpPolicy.random(SrtpProfile.AES_CM_128_HMAC_SHA1_80, new SecureRandom());
        towardsA = policy;
        phoneA = SrtpContext.create(policy);
        fromB = new Stream(channelB, channelB.eventLoop(), 1000, false);
        toA = new Stream(channelA, channelB.eventLoop(), 1002, false);
        new StreamProxy(fromB).bind(PHONE_B, LatchMode.LATCH, toA);
        new StreamProxy(toA).bind(PHONE_A, LatchMode.LATCH, fromB);
        new StreamProxy(toA).crypto(null, SrtpContext.create(policy));
        channelB.runPendingTasks();
    }

    @AfterEach
    void close() {
        channelA.finishAndReleaseAll();
        channelB.finishAndReleaseAll();
    }

    @Test
    void sendsTheParentOfADatagramSliceWithTheTagInItsTailroomWithoutCopying() {
        final byte[] rtp = rtp(160);
        final ByteBuf parent = RAW.directBuffer(2048).writeBytes(rtp);
        final ByteBuf slice = parent.retainedSlice(0, rtp.length);
        forwarder.onPacket(fromB, slice, PHONE_B, 1);
        parent.release(); // as epoll releases its receive buffer once the pipeline returns
        channelA.flush();
        final AddressedEnvelope<ByteBuf, InetSocketAddress> sent = channelA.readOutbound();
        assertSame(parent, sent.content(), "the receive buffer itself goes out");
        assertArrayEquals(rtp, unprotect(sent.content()));
        sent.release();
        assertEquals(0, parent.refCnt());
    }

    @Test
    void copiesAPacketWhoseBufferHasNoRoomForTheTag() {
        final byte[] rtp = rtp(160);
        final ByteBuf full = RAW.directBuffer(rtp.length, rtp.length).writeBytes(rtp);
        forwarder.onPacket(fromB, full, PHONE_B, 1);
        channelA.flush();
        final AddressedEnvelope<ByteBuf, InetSocketAddress> sent = channelA.readOutbound();
        assertNotSame(full, sent.content());
        assertEquals(0, full.refCnt());
        assertArrayEquals(rtp, unprotect(sent.content()));
        sent.release();
    }

    @Test
    void protectsInTheReceivedBufferWhenItHasTailroom() {
        final byte[] rtp = rtp(160);
        final ByteBuf buf = RAW.directBuffer(2048).writeBytes(rtp);
        forwarder.onPacket(fromB, buf, PHONE_B, 1);
        channelA.flush();
        final AddressedEnvelope<ByteBuf, InetSocketAddress> sent = channelA.readOutbound();
        assertSame(buf, sent.content());
        assertArrayEquals(rtp, unprotect(sent.content()));
        sent.release();
    }

    @Test
    void aPacketThatFailsAuthenticationNeverMovesTheEndpointEvenUnderMediaHandover() {
        final SrtpPolicy fromPhoneA = SrtpPolicy.random(SrtpProfile.AES_CM_128_HMAC_SHA1_80, new SecureRandom());
        final SrtpContext phoneASends = SrtpContext.create(fromPhoneA);
        // A's socket: it receives SRTP from A (unprotected with A's key) and sends SRTP to A
        final Stream fromA = toA;
        new StreamProxy(fromA).bind(PHONE_A, LatchMode.HANDOVER, fromB);
        new StreamProxy(fromA).crypto(SrtpContext.create(fromPhoneA), SrtpContext.create(towardsA));
        channelB.runPendingTasks();
        final InetSocketAddress third = new InetSocketAddress("127.0.0.1", 6666);
        assertNotNull(forwarder.onPacket(fromA, srtp(phoneASends, 1, false), PHONE_A, 1), "A's own packet");
        assertEquals(PHONE_A, fromA.endpoint());
        assertNull(forwarder.onPacket(fromA, srtp(phoneASends, 2, true), third, 2), "tampered, from a third");
        assertNull(forwarder.onPacket(fromA, RAW.directBuffer(2048).writeBytes(rtp(160)), third, 3), "plain");
        assertEquals(PHONE_A, fromA.endpoint(), "media-handover moves only on an authenticated packet");
        assertEquals(1, forwarder.counters().drops(DropReason.SRTP_AUTH_FAILED), "the tampered one");
        assertEquals(2, forwarder.counters().drops(), "both dropped before learning: " + forwarder.counters());
        assertNotNull(forwarder.onPacket(fromA, srtp(phoneASends, 3, false), third, 4), "the key holder moved");
        assertEquals(third, fromA.endpoint());
        channelB.flush(); // as the read loop flushes after its batch; unflushed writes would fail at close
        assertEquals(2, channelB.outboundMessages().size(), "A's two authenticated packets reached B");
    }

    @Test
    void aRecordedSrtpBridgeRecordsThePlainPacketsOfBothDirections(@TempDir final Path dir) throws Exception {
        final SrtpPolicy fromPhoneA = SrtpPolicy.random(SrtpProfile.AES_CM_128_HMAC_SHA1_80, new SecureRandom());
        final Stream fromA = toA;
        new StreamProxy(fromA).crypto(SrtpContext.create(fromPhoneA), SrtpContext.create(towardsA));
        final Path pcap = dir.resolve("bridge.pcap");
        try (PacketRecorder recorder = new PacketRecorder(1 << 20)) {
            recorder.open(1, pcap, PcapFormat.LINKTYPE_RAW);
            new StreamProxy(fromB).record(recorder.tap(1, new InetSocketAddress("127.0.0.1", 1000)));
            new StreamProxy(fromA).record(recorder.tap(1, new InetSocketAddress("127.0.0.1", 1002)));
            channelB.runPendingTasks();
            assertNotNull(forwarder.onPacket(fromB, RAW.directBuffer(2048).writeBytes(rtp(160)), PHONE_B, 1));
            assertNotNull(forwarder.onPacket(fromA, srtp(SrtpContext.create(fromPhoneA), 7, false), PHONE_A, 2));
            channelA.flush();
            channelB.flush();
            final AddressedEnvelope<ByteBuf, InetSocketAddress> toPhoneA = channelA.readOutbound();
            assertArrayEquals(rtp(160), unprotect(toPhoneA.content()), "protected after it was recorded");
            toPhoneA.release();
            final AddressedEnvelope<ByteBuf, InetSocketAddress> toPhoneB = channelB.readOutbound();
            toPhoneB.release();
            assertEquals(2L, recorder.close(1).get(5, TimeUnit.SECONDS));
        }
        final byte[] file = Files.readAllBytes(pcap);
        final int headers = PcapFormat.RECORD_HEADER_LENGTH + PcapFormat.IPV4_HEADER_LENGTH
            + PcapFormat.UDP_HEADER_LENGTH;
        final int first = PcapFormat.FILE_HEADER_LENGTH + headers;
        assertArrayEquals(rtp(160), Arrays.copyOfRange(file, first, first + 172), "B's plain RTP, not A's SRTP");
        final int second = first + 172 + headers;
        final byte[] fromPhoneAPlain = rtp(160);
        fromPhoneAPlain[3] = 7;
        assertArrayEquals(fromPhoneAPlain, Arrays.copyOfRange(file, second, second + 172), "A's SRTP, decrypted");
        assertEquals(second + 172, file.length);
    }

    private static ByteBuf srtp(final SrtpContext sender, final int seq, final boolean tamper) {
        final byte[] rtp = rtp(160);
        rtp[3] = (byte)seq;
        final ByteBuffer b = ByteBuffer.allocate(rtp.length + 64);
        b.put(rtp);
        final int length = sender.protectRtp(b, 0, rtp.length);
        if (tamper) {
            b.put(length - 1, (byte)(b.get(length - 1) ^ 1));
        }
        return RAW.directBuffer(2048).writeBytes(b.array(), 0, length);
    }

    private byte[] unprotect(final ByteBuf srtp) {
        final byte[] bytes = new byte[srtp.readableBytes()];
        srtp.getBytes(srtp.readerIndex(), bytes);
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        final int length = phoneA.unprotectRtp(b, 0, bytes.length);
        return length < 0 ? null : Arrays.copyOf(bytes, length);
    }

    private static byte[] rtp(final int payload) {
        final ByteBuffer b = ByteBuffer.allocate(12 + payload);
        b.put((byte) 0x80).put((byte) 0).putShort((short) 1).putInt(160).putInt(0x12345678);
        while (b.hasRemaining()) {
            b.put((byte) b.position());
        }
        return b.array();
    }
}
