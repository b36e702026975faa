package io.rtprelay.relay;

import io.rtprelay.relay.forward.DropReason;
import io.rtprelay.relay.stream.LatchMode;
import io.rtprelay.relay.testkit.Await;
import io.rtprelay.relay.testkit.LeakCheck;
import io.rtprelay.relay.testkit.TestPorts;
import io.rtprelay.relay.testkit.UdpEndpoint;
import io.rtprelay.relay.testkit.UdpEndpoint.Received;
import io.rtprelay.relay.transport.Transports;
import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;
import io.rtprelay.srtp.SrtpStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SRTP through the data plane on real loopback sockets: side A speaks SRTP, side B plain RTP (or SRTP with other
 * keys); the relay unprotects what A sends and protects what it sends to A, in place. The phones are java.net
 * sockets with their own {@link SrtpContext}s holding the same keys. Run once per transport by the subclasses.
 */
abstract class AbstractSrtpForwardingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String CALL = "srtp-call@test";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SSRC_A = 0x0a0a0a0a;
    private static final int SSRC_B = 0x0b0b0b0b;

    static {
        LeakCheck.install();
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private MediaPlane plane;
    private MediaSocketPair a;
    private MediaSocketPair b;
    private UdpEndpoint phoneA;
    private UdpEndpoint phoneB;

    /** @return the transport name this run uses. */
    abstract String transport();

    @BeforeEach
    void openCall() throws Exception {
        assumeTrue(Transports.isAvailable(transport()),
            () -> transport() + " unavailable: " + Transports.unavailabilityCause(transport()));
        final int firstPort = TestPorts.freeRange(4);
        plane = new MediaPlane(new MediaPlaneConfig(transport(), 1, firstPort, firstPort + 7, 0));
        closeables.add(plane);
        a = plane.openPair(UdpEndpoint.LOOPBACK, CALL);
        closeables.add(a::close);
        b = plane.openPair(UdpEndpoint.LOOPBACK, CALL);
        closeables.add(b::close);
        phoneA = new UdpEndpoint();
        closeables.add(phoneA);
        phoneB = new UdpEndpoint();
        closeables.add(phoneB);
        a.rtp().proxy().bind(phoneA.address(), LatchMode.LATCH, b.rtp().stream()).syncUninterruptibly();
        b.rtp().proxy().bind(phoneB.address(), LatchMode.LATCH, a.rtp().stream()).syncUninterruptibly();
        a.rtcp().proxy().bind(null, LatchMode.LATCH, b.rtcp().stream()).syncUninterruptibly();
        b.rtcp().proxy().bind(null, LatchMode.LATCH, a.rtcp().stream()).syncUninterruptibly();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (final AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        closeables.clear();
    }

    @AfterAll
    static void noBufferLeaked() {
        LeakCheck.assertNoLeaks();
    }

    /** Keys of one direction: the relay's context and the phone's, made from the same policy. */
    private record Keys(SrtpContext relay, SrtpContext phone) {
        static Keys of(final SrtpProfile profile) {
            final SrtpPolicy policy = SrtpPolicy.random(profile, RANDOM);
            return new Keys(SrtpContext.create(policy), SrtpContext.create(policy));
        }
    }

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM"})
    @Timeout(30)
    void bridgesSrtpOnOneSideToRtpOnTheOtherBothWaysAcrossTheRollover(final SrtpProfile profile) {
        final Keys fromA = Keys.of(profile);
        final Keys toA = Keys.of(profile);
        a.rtp().proxy().crypto(fromA.relay(), toA.relay()).syncUninterruptibly();

        for (int i = 0; i < 40; i++) {
            final int seq = (65_520 + i) & 0xffff;
            final byte[] rtpA = rtp(seq, SSRC_A, 160);
            phoneA.send(protect(fromA.phone(), rtpA, false), a.rtp().port());
            assertArrayEquals(rtpA, phoneB.receive(WAIT).payload(), "SRTP from A arrives at B as RTP, seq " + seq);

            final byte[] rtpB = rtp(seq, SSRC_B, 160);
            phoneB.send(rtpB, b.rtp().port());
            final Received atA = phoneA.receive(WAIT);
            assertEquals(rtpB.length + profile.rtpAuthTagLength(), atA.payload().length);
            assertArrayEquals(rtpB, unprotect(toA.phone(), atA.payload(), false), "RTP from B arrives at A as SRTP");
        }
        assertEquals(0, plane.counters().errors());
    }

    @Test
    @Timeout(30)
    void bridgesSrtcpOnTheRtcpSocketsAndRtcpMultiplexedOnTheRtpSocket() {
        final Keys fromA = Keys.of(SrtpProfile.AES_CM_128_HMAC_SHA1_32);
        final Keys toA = Keys.of(SrtpProfile.AES_CM_128_HMAC_SHA1_32);
        // One context per direction serves the RTP and the RTCP stream of the pair.
        a.rtp().proxy().crypto(fromA.relay(), toA.relay()).syncUninterruptibly();
        a.rtcp().proxy().crypto(fromA.relay(), toA.relay()).syncUninterruptibly();
        final UdpEndpoint rtcpA = endpoint();
        final UdpEndpoint rtcpB = endpoint();
        b.rtcp().proxy().configure(rtcpB.address(), LatchMode.LATCH).syncUninterruptibly();

        final byte[] rrA = rtcp(SSRC_A, 1);
        rtcpA.send(protect(fromA.phone(), rrA, true), a.rtcp().port());
        assertArrayEquals(rrA, rtcpB.receive(WAIT).payload(), "SRTCP from A arrives at B as RTCP");
        final byte[] srB = rtcp(SSRC_B, 2);
        rtcpB.send(srB, b.rtcp().port());
        assertArrayEquals(srB, unprotect(toA.phone(), rtcpA.receive(WAIT).payload(), true), "RTCP from B as SRTCP");

        // rtcp-mux: RTCP on the RTP ports takes the SRTCP transform (RFC 5761 §4).
        final byte[] muxedA = rtcp(SSRC_A, 3);
        phoneA.send(protect(fromA.phone(), muxedA, true), a.rtp().port());
        assertArrayEquals(muxedA, phoneB.receive(WAIT).payload());
        final byte[] muxedB = rtcp(SSRC_B, 4);
        phoneB.send(muxedB, b.rtp().port());
        assertArrayEquals(muxedB, unprotect(toA.phone(), phoneA.receive(WAIT).payload(), true));
        assertEquals(0, plane.counters().errors());
    }

    @Test
    @Timeout(30)
    void reKeysSrtpToSrtpWithOtherKeysOnTheOtherSide() {
        final Keys fromA = Keys.of(SrtpProfile.AEAD_AES_128_GCM);
        final Keys toB = Keys.of(SrtpProfile.AES_256_CM_HMAC_SHA1_80);
        a.rtp().proxy().crypto(fromA.relay(), null).syncUninterruptibly();
        b.rtp().proxy().crypto(null, toB.relay()).syncUninterruptibly();
        final byte[] rtpA = rtp(7, SSRC_A, 200);
        phoneA.send(protect(fromA.phone(), rtpA, false), a.rtp().port());
        final byte[] atB = phoneB.receive(WAIT).payload();
        assertEquals(rtpA.length + 10, atB.length);
        assertArrayEquals(rtpA, unprotect(toB.phone(), atB, false));
    }

    @Test
    @Timeout(30)
    void dropsAndCountsForgedAndReplayedSrtpWithoutLatchingToTheirSource() {
        final Keys fromA = Keys.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        a.rtp().proxy().crypto(fromA.relay(), null).syncUninterruptibly();
        final byte[] first = protect(fromA.phone(), rtp(1, SSRC_A, 100), false);
        phoneA.send(first, a.rtp().port());
        phoneB.receive(WAIT);

        final byte[] forged = protect(fromA.phone(), rtp(2, SSRC_A, 100), false);
        forged[40] ^= 0x01;
        final UdpEndpoint attacker = endpoint();
        attacker.send(forged, a.rtp().port());
        phoneA.send(first, a.rtp().port());
        final byte[] third = rtp(3, SSRC_A, 100);
        phoneA.send(protect(fromA.phone(), third, false), a.rtp().port());
        assertArrayEquals(third, phoneB.receive(WAIT).payload(), "the forgery and the replay were not forwarded");

        Await.until(() -> plane.counters().drops(DropReason.SRTP_AUTH_FAILED) == 1
                && plane.counters().drops(DropReason.SRTP_REPLAY) == 1, WAIT,
            () -> "drops counted: " + plane.counters());
        assertEquals(2, a.rtp().stream().errorsIn());
        assertEquals(phoneA.address(), a.rtp().proxy().learnedEndpoint(), "no latch to an unauthenticated source");
        assertEquals(1, fromA.relay().failures(SrtpStatus.AUTH_FAILED));
        assertEquals(1, fromA.relay().failures(SrtpStatus.REPLAYED));
    }

    @Test
    @Timeout(30)
    void countsPlainRtpSentToAnSrtpStreamAsInvalid() {
        a.rtp().proxy().crypto(Keys.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80).relay(), null).syncUninterruptibly();
        phoneA.send(new byte[] {1, 2, 3}, a.rtp().port());
        Await.until(() -> plane.counters().drops(DropReason.SRTP_INVALID) == 1, WAIT,
            () -> "drops counted: " + plane.counters());
        assertEquals(1, a.rtp().stream().errorsIn());
    }

    private UdpEndpoint endpoint() {
        final UdpEndpoint e = new UdpEndpoint();
        closeables.add(e);
        return e;
    }

    private static byte[] rtp(final int seq, final int ssrc, final int payload) {
        final ByteBuffer b = ByteBuffer.allocate(12 + payload);
        b.put((byte) 0x80).put((byte) 8).putShort((short) seq).putInt(seq * 160).putInt(ssrc);
        for (int i = 0; b.hasRemaining(); i++) {
            b.put((byte) (seq + i));
        }
        return b.array();
    }

    private static byte[] rtcp(final int ssrc, final int n) {
        final ByteBuffer b = ByteBuffer.allocate(32);
        b.put((byte) 0x81).put((byte) 201).putShort((short) 7).putInt(ssrc);
        while (b.hasRemaining()) {
            b.putInt(n * 0x01010101);
        }
        return b.array();
    }

    private static byte[] protect(final SrtpContext context, final byte[] packet, final boolean rtcp) {
        final ByteBuffer buf = ByteBuffer.allocate(packet.length + 64).put(0, packet);
        final int length = rtcp ? context.protectRtcp(buf, 0, packet.length)
            : context.protectRtp(buf, 0, packet.length);
        assertEquals(true, length > 0, SrtpStatus.name(length));
        return Arrays.copyOf(buf.array(), length);
    }

    private static byte[] unprotect(final SrtpContext context, final byte[] packet, final boolean rtcp) {
        final ByteBuffer buf = ByteBuffer.wrap(packet.clone());
        final int length = rtcp ? context.unprotectRtcp(buf, 0, packet.length)
            : context.unprotectRtp(buf, 0, packet.length);
        assertEquals(true, length > 0, SrtpStatus.name(length));
        return Arrays.copyOf(buf.array(), length);
    }
}
