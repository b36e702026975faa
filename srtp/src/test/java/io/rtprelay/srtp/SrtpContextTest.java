package io.rtprelay.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour of protect/unprotect: round trips, rejection of anything altered, replay, rollover, bounds. */
class SrtpContextTest {
    private static final int SSRC = 0xcafebabe;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static SrtpPolicy policy(final SrtpProfile profile) {
        return SrtpPolicy.random(profile, RANDOM);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void roundTripsRtpWithCsrcsAndExtensionInDirectAndHeapBuffersAtAnOffset(final SrtpProfile profile) {
        final SrtpPolicy policy = policy(profile);
        final SrtpContext sender = SrtpContext.create(policy);
        final SrtpContext receiver = SrtpContext.create(policy);
        int seq = 100;
        for (final boolean direct : new boolean[] {true, false}) {
            for (final int payload : new int[] {0, 1, 15, 16, 17, 160, 1200}) {
                final byte[] rtp = Packets.rtp(seq++, SSRC, payload, payload % 3, payload % 2 == 0 ? 2 : -1);
                final int offset = 7;
                final ByteBuffer buf = direct ? Packets.direct(rtp, offset, 2048)
                    : ByteBuffer.wrap(Arrays.copyOf(new byte[offset], 2048)).put(offset, rtp);
                final int srtpLength = sender.protectRtp(buf, offset, rtp.length);
                assertEquals(rtp.length + profile.rtpAuthTagLength(), srtpLength, SrtpStatus.name(srtpLength));
                if (payload >= 16 && profile.encrypts()) {
                    assertNotEquals(Arrays.toString(rtp), Arrays.toString(Packets.bytes(buf, offset, rtp.length)));
                }
                assertEquals(rtp.length, receiver.unprotectRtp(buf, offset, srtpLength));
                assertArrayEquals(rtp, Packets.bytes(buf, offset, rtp.length));
            }
        }
        assertEquals(0, sender.failuresTotal() + receiver.failuresTotal());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void roundTripsRtcpAndCountsTheSrtcpIndexUpFromZero(final SrtpProfile profile) {
        final SrtpPolicy policy = policy(profile);
        final SrtpContext sender = SrtpContext.create(policy);
        final SrtpContext receiver = SrtpContext.create(policy);
        for (int i = 0; i < 5; i++) {
            final byte[] rtcp = Packets.rtcp(SSRC, i);
            final ByteBuffer buf = Packets.direct(rtcp, 0, 256);
            final int length = sender.protectRtcp(buf, 0, rtcp.length);
            assertEquals(rtcp.length + sender.rtcpOverhead(), length);
            final int trailerAt = profile.isAead() ? length - 4 : length - profile.rtcpAuthTagLength() - 4;
            assertEquals((profile.encrypts() ? 0x80000000 : 0) | i, buf.getInt(trailerAt), "E flag and index");
            assertEquals(rtcp.length, receiver.unprotectRtcp(buf, 0, length));
            assertArrayEquals(rtcp, Packets.bytes(buf, 0, rtcp.length));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rejectsEveryTruncationOfAnSrtpAndAnSrtcpPacket(final SrtpProfile profile) {
        final SrtpPolicy policy = policy(profile);
        final byte[] srtp = protect(SrtpContext.create(policy), Packets.rtp(1, SSRC, 160), false);
        final byte[] srtcp = protect(SrtpContext.create(policy), Packets.rtcp(SSRC, 1), true);
        for (int length = 0; length < srtp.length; length++) {
            final SrtpContext receiver = SrtpContext.create(policy);
            final int status = receiver.unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0, length);
            assertTrue(status < 0, "accepted SRTP truncated to " + length);
            assertEquals(1, receiver.failuresTotal());
        }
        for (int length = 0; length < srtcp.length; length++) {
            final int status = SrtpContext.create(policy).unprotectRtcp(ByteBuffer.wrap(srtcp.clone()), 0, length);
            assertTrue(status < 0, "accepted SRTCP truncated to " + length);
        }
        final SrtpContext receiver = SrtpContext.create(policy);
        assertTrue(receiver.unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0, srtp.length) > 0);
        assertTrue(receiver.unprotectRtcp(ByteBuffer.wrap(srtcp.clone()), 0, srtcp.length) > 0);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rejectsAFlippedBitAnywhereAndKeepsNoStateFromTheForgery(final SrtpProfile profile) {
        final SrtpPolicy policy = policy(profile);
        final SrtpContext sender = SrtpContext.create(policy);
        final byte[] srtp = protect(sender, Packets.rtp(40_000, SSRC, 64), false);
        final byte[] srtcp = protect(sender, Packets.rtcp(SSRC, 9), true);
        final SrtpContext receiver = SrtpContext.create(policy);
        for (int i = 0; i < srtp.length * 8; i++) {
            final byte[] forged = srtp.clone();
            forged[i / 8] ^= (byte) (1 << (i % 8));
            assertTrue(receiver.unprotectRtp(ByteBuffer.wrap(forged), 0, forged.length) < 0, "bit " + i);
        }
        for (int i = 0; i < srtcp.length * 8; i++) {
            final byte[] forged = srtcp.clone();
            forged[i / 8] ^= (byte) (1 << (i % 8));
            assertTrue(receiver.unprotectRtcp(ByteBuffer.wrap(forged), 0, forged.length) < 0, "bit " + i);
        }
        assertTrue(receiver.failures(SrtpStatus.AUTH_FAILED) > 0);
        // A forged sequence number (bit flips in bytes 2-3) moved neither the ROC nor the window.
        assertEquals(srtp.length - profile.rtpAuthTagLength(),
            receiver.unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0, srtp.length));
        assertTrue(receiver.unprotectRtcp(ByteBuffer.wrap(srtcp.clone()), 0, srtcp.length) > 0);
    }

    @Test
    void rejectsAReplayedSrtpAndSrtcpPacketAndCountsIt() {
        final SrtpPolicy policy = policy(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        final SrtpContext sender = SrtpContext.create(policy);
        final byte[] srtp = protect(sender, Packets.rtp(7, SSRC, 20), false);
        final byte[] srtcp = protect(sender, Packets.rtcp(SSRC, 1), true);
        final SrtpContext receiver = SrtpContext.create(policy);
        assertTrue(receiver.unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0, srtp.length) > 0);
        assertEquals(SrtpStatus.REPLAYED, receiver.unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0, srtp.length));
        assertTrue(receiver.unprotectRtcp(ByteBuffer.wrap(srtcp.clone()), 0, srtcp.length) > 0);
        assertEquals(SrtpStatus.REPLAYED, receiver.unprotectRtcp(ByteBuffer.wrap(srtcp.clone()), 0, srtcp.length));
        assertEquals(2, receiver.failures(SrtpStatus.REPLAYED));
    }

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    void rollsTheRocOverPastSequence65535AndBackAgainThroughThreeWraps(final SrtpProfile profile) {
        final SrtpPolicy policy = policy(profile);
        final SrtpContext sender = SrtpContext.create(policy);
        final SrtpContext receiver = SrtpContext.create(policy);
        final SrtpContext fresh = SrtpContext.create(policy);
        int first = -1;
        for (long i = 65_000; i < 65_000 + 3 * 65_536 + 10; i += 97) {
            final byte[] rtp = Packets.rtp((int) (i & 0xffff), SSRC, 32);
            final byte[] srtp = protect(sender, rtp, false);
            final ByteBuffer buf = ByteBuffer.wrap(srtp);
            assertEquals(rtp.length, receiver.unprotectRtp(buf, 0, srtp.length), "index " + i);
            assertArrayEquals(rtp, Arrays.copyOf(srtp, rtp.length));
            if (i >= 65_536 && first < 0) {
                first = 1;
                // A receiver that joins after the wrap assumes ROC 0 and cannot authenticate the packet.
                final byte[] again = protect(SrtpContext.create(policy), rtp, false);
                assertNotEquals(Arrays.toString(again), Arrays.toString(srtp), "ROC 1 is in the IV and the tag");
                assertEquals(SrtpStatus.AUTH_FAILED, fresh.unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0,
                    srtp.length));
            }
        }
        assertEquals(0, receiver.failuresTotal());
    }

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AES_CM_128_HMAC_SHA1_32", "AEAD_AES_256_GCM"})
    void estimatesTheRocWhenPacketsAroundTheWrapAreReorderedOnEitherSide(final SrtpProfile profile) {
        final SrtpPolicy policy = policy(profile);
        // The sender sees the packets out of order (as a relay re-protecting a reordered stream does) ...
        final int[] sendOrder = {65_530, 65_532, 65_531, 65_535, 1, 65_534, 0, 65_533, 3, 2, 5, 4};
        final SrtpContext sender = SrtpContext.create(policy);
        final byte[][] srtp = new byte[sendOrder.length][];
        for (int i = 0; i < sendOrder.length; i++) {
            srtp[i] = protect(sender, Packets.rtp(sendOrder[i], SSRC, 50), false);
        }
        // ... and the receiver gets them in yet another order, each authenticating only with the right ROC.
        final int[] receiveOrder = {0, 2, 1, 6, 4, 3, 5, 9, 7, 8, 11, 10};
        final SrtpContext receiver = SrtpContext.create(policy);
        for (final int i : receiveOrder) {
            final byte[] rtp = Packets.rtp(sendOrder[i], SSRC, 50);
            assertEquals(rtp.length, receiver.unprotectRtp(ByteBuffer.wrap(srtp[i]), 0, srtp[i].length),
                "seq " + sendOrder[i]);
            assertArrayEquals(rtp, Arrays.copyOf(srtp[i], rtp.length));
        }
        assertEquals(0, receiver.failuresTotal());
    }

    @Test
    void guessesTheIndexAsRfc3711AppendixA() {
        assertEquals(5, SrtpContext.guessIndex(-1, 5));
        assertEquals((1L << 16) | 2, SrtpContext.guessIndex(65_535, 2));
        assertEquals(65_534, SrtpContext.guessIndex((1L << 16) | 2, 65_534));
        assertEquals(-1, SrtpContext.guessIndex(3, 65_000), "before the first packet's rollover period");
        assertEquals((6L << 16) | 40_000, SrtpContext.guessIndex((7L << 16) | 10, 40_000), "from before the wrap");
        assertEquals((7L << 16) | 30_000, SrtpContext.guessIndex((7L << 16) | 10, 30_000));
    }

    @Test
    void refusesSsrcsBeyondTheBoundAndCountsThem() {
        final SrtpPolicy policy = policy(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        final SrtpContext sender = SrtpContext.create(policy, 64, 2);
        final SrtpContext receiver = SrtpContext.create(policy, 64, 2);
        for (int ssrc = 1; ssrc <= 3; ssrc++) {
            final byte[] rtp = Packets.rtp(1, ssrc, 10);
            final ByteBuffer buf = ByteBuffer.allocate(100).put(0, rtp);
            final int length = sender.protectRtp(buf, 0, rtp.length);
            if (ssrc <= 2) {
                assertEquals(rtp.length, receiver.unprotectRtp(buf, 0, length));
            } else {
                assertEquals(SrtpStatus.SSRC_LIMIT, length);
                final byte[] other = protect(SrtpContext.create(policy), rtp, false);
                assertEquals(SrtpStatus.SSRC_LIMIT, receiver.unprotectRtp(ByteBuffer.wrap(other), 0, other.length));
            }
        }
        assertEquals(1, sender.failures(SrtpStatus.SSRC_LIMIT));
        assertEquals(1, receiver.failures(SrtpStatus.SSRC_LIMIT));
    }

    @Test
    void reportsNoRoomBadArgumentsAndBadHeadersAsStatusesNotExceptions() {
        final SrtpContext context = SrtpContext.create(policy(SrtpProfile.AES_CM_128_HMAC_SHA1_80));
        final byte[] rtp = Packets.rtp(1, SSRC, 20);
        assertEquals(SrtpStatus.NO_ROOM, context.protectRtp(ByteBuffer.wrap(rtp.clone()), 0, rtp.length));
        assertEquals(SrtpStatus.NO_ROOM, context.protectRtcp(ByteBuffer.allocate(40), 0, 32));
        assertEquals(SrtpStatus.BAD_ARGUMENT, context.protectRtp(ByteBuffer.allocate(100), 90, 20));
        assertEquals(SrtpStatus.BAD_ARGUMENT, context.unprotectRtp(ByteBuffer.allocate(100), -1, 20));
        assertEquals(SrtpStatus.BAD_ARGUMENT, context.unprotectRtp(ByteBuffer.allocate(100).asReadOnlyBuffer(), 0,
            50));
        assertEquals(SrtpStatus.BAD_ARGUMENT, context.unprotectRtp(null, 0, 50));
        final byte[] v1 = rtp.clone();
        v1[0] = 0x40;
        assertEquals(SrtpStatus.BAD_HEADER, context.protectRtp(ByteBuffer.allocate(100).put(0, v1), 0, v1.length));
        final byte[] csrcsPastEnd = Packets.rtp(1, SSRC, 0, 15, -1);
        assertEquals(SrtpStatus.BAD_HEADER, context.protectRtp(ByteBuffer.allocate(200).put(0, csrcsPastEnd), 0, 20));
        assertEquals(SrtpStatus.TOO_SHORT, context.protectRtp(ByteBuffer.allocate(100), 0, 11));
        assertEquals("NO_ROOM", SrtpStatus.name(SrtpStatus.NO_ROOM));
        assertEquals(2, context.failures(SrtpStatus.NO_ROOM));
        assertEquals(4, context.failures(SrtpStatus.BAD_ARGUMENT));
    }

    @Test
    void unencryptedSrtpLeavesThePayloadClearButTagged() {
        final SrtpPolicy policy = policy(SrtpProfile.AES_CM_128_HMAC_SHA1_80).withOptions(false, true, true);
        final byte[] rtp = Packets.rtp(3, SSRC, 40);
        final byte[] srtp = protect(SrtpContext.create(policy), rtp, false);
        assertArrayEquals(rtp, Arrays.copyOf(srtp, rtp.length));
        assertEquals(rtp.length + 10, srtp.length);
        srtp[20] ^= 1;
        assertEquals(SrtpStatus.AUTH_FAILED, SrtpContext.create(policy).unprotectRtp(ByteBuffer.wrap(srtp), 0,
            srtp.length));
    }

    @Test
    void unauthenticatedSrtpAddsNoTagButStillEncrypts() {
        final SrtpPolicy policy = policy(SrtpProfile.AES_CM_128_HMAC_SHA1_80).withOptions(true, true, false);
        final byte[] rtp = Packets.rtp(3, SSRC, 40);
        final SrtpContext sender = SrtpContext.create(policy);
        assertEquals(0, sender.rtpOverhead());
        final byte[] srtp = protect(sender, rtp, false);
        assertEquals(rtp.length, srtp.length);
        assertNotEquals(Arrays.toString(rtp), Arrays.toString(srtp));
        assertEquals(rtp.length, SrtpContext.create(policy).unprotectRtp(ByteBuffer.wrap(srtp), 0, srtp.length));
        assertArrayEquals(rtp, srtp);
        assertThrows(IllegalArgumentException.class,
            () -> policy(SrtpProfile.AEAD_AES_128_GCM).withOptions(true, true, false));
    }

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    void unencryptedSrtcpClearsTheEFlagAndIsStillAuthenticated(final SrtpProfile profile) {
        final SrtpPolicy policy = policy(profile).withOptions(true, false, true);
        final byte[] rtcp = Packets.rtcp(SSRC, 4);
        final byte[] srtcp = protect(SrtpContext.create(policy), rtcp, true);
        assertArrayEquals(rtcp, Arrays.copyOf(srtcp, rtcp.length));
        final int trailerAt = profile.isAead() ? srtcp.length - 4 : rtcp.length;
        assertEquals(0, ByteBuffer.wrap(srtcp).getInt(trailerAt) & 0x80000000);
        // The receiver follows the E flag, whatever its own policy says.
        final SrtpContext receiver = SrtpContext.create(SrtpPolicy.of(profile, policy.masterKey(),
            policy.masterSalt()));
        assertEquals(rtcp.length, receiver.unprotectRtcp(ByteBuffer.wrap(srtcp.clone()), 0, srtcp.length));
        srtcp[12] ^= 1;
        assertEquals(SrtpStatus.AUTH_FAILED, SrtpContext.create(policy).unprotectRtcp(ByteBuffer.wrap(srtcp), 0,
            srtcp.length));
    }

    @Test
    void policyChecksLengthsHidesKeysAndSplitsSdesKeyMaterial() {
        final byte[] keySalt = new byte[30];
        keySalt[0] = 1;
        keySalt[16] = 2;
        final SrtpPolicy policy = SrtpPolicy.ofKeyAndSalt(SrtpProfile.AES_CM_128_HMAC_SHA1_80, keySalt);
        assertEquals(1, policy.masterKey()[0]);
        assertEquals(2, policy.masterSalt()[0]);
        assertArrayEquals(keySalt, policy.keyAndSalt());
        assertEquals("SrtpPolicy[AES_CM_128_HMAC_SHA1_80 UNENCRYPTED_SRTCP]",
            policy.withOptions(true, false, true).toString());
        assertThrows(IllegalArgumentException.class,
            () -> SrtpPolicy.ofKeyAndSalt(SrtpProfile.AEAD_AES_128_GCM, keySalt));
        assertEquals(SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.ofSdesName("AEAD_AES_256_GCM"));
        assertEquals(SrtpProfile.F8_128_HMAC_SHA1_32, SrtpProfile.ofSdesName("F8_128_HMAC_SHA1_32"));
        assertEquals(null, SrtpProfile.ofSdesName("F8_256_HMAC_SHA1_80"));
        assertEquals(28, SrtpProfile.AEAD_AES_128_GCM.keySaltLength());
        assertEquals(46, SrtpProfile.AES_256_CM_HMAC_SHA1_32.keySaltLength());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void carriesTheMkiInEveryPacketWhereRfc3711AndRfc7714PutIt(final SrtpProfile profile) {
        final byte[] mki = {0, 0, 0, 7};
        final SrtpPolicy policy = policy(profile).withMki(7, 4);
        assertArrayEquals(mki, policy.mki());
        final SrtpContext sender = SrtpContext.create(policy);
        final SrtpContext receiver = SrtpContext.create(policy);
        assertEquals(4 + profile.rtpAuthTagLength(), sender.rtpOverhead());
        assertEquals(4 + 4 + profile.rtcpAuthTagLength(), sender.rtcpOverhead());
        final SrtpContext plain = SrtpContext.create(SrtpPolicy.of(profile, policy.masterKey(), policy.masterSalt()));
        for (int seq = 65_534; seq < 65_538; seq++) {
            final byte[] rtp = Packets.rtp(seq & 0xffff, SSRC, 33);
            final byte[] srtp = protect(sender, rtp, false);
            assertEquals(rtp.length + 4 + profile.rtpAuthTagLength(), srtp.length);
            // RFC 3711 §3.1: payload || MKI || tag; RFC 7714 §8.1: payload and tag || MKI
            final int mkiAt = profile.isAead() ? srtp.length - 4 : rtp.length;
            assertArrayEquals(mki, Arrays.copyOfRange(srtp, mkiAt, mkiAt + 4));
            // without the MKI the packet is the one a context without MKI makes
            final byte[] withoutMki = new byte[srtp.length - 4];
            System.arraycopy(srtp, 0, withoutMki, 0, mkiAt);
            System.arraycopy(srtp, mkiAt + 4, withoutMki, mkiAt, srtp.length - mkiAt - 4);
            assertArrayEquals(protect(plain, rtp, false), withoutMki);
            assertEquals(rtp.length, receiver.unprotectRtp(ByteBuffer.wrap(srtp), 0, srtp.length));
            assertArrayEquals(rtp, Arrays.copyOf(srtp, rtp.length));

            final byte[] rtcp = Packets.rtcp(SSRC, seq);
            final byte[] srtcp = protect(sender, rtcp, true);
            assertEquals(rtcp.length + sender.rtcpOverhead(), srtcp.length);
            // RFC 3711 §3.4: ... || E || index || MKI || tag; RFC 7714 §9.1: ... || tag || E || index || MKI
            final int rtcpMkiAt = profile.isAead() ? srtcp.length - 4 : rtcp.length + 4;
            assertArrayEquals(mki, Arrays.copyOfRange(srtcp, rtcpMkiAt, rtcpMkiAt + 4));
            assertEquals(rtcp.length, receiver.unprotectRtcp(ByteBuffer.wrap(srtcp), 0, srtcp.length));
            assertArrayEquals(rtcp, Arrays.copyOf(srtcp, rtcp.length));
        }
        assertEquals(0, sender.failuresTotal() + receiver.failuresTotal());
    }

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AES_CM_128_HMAC_SHA1_32", "F8_128_HMAC_SHA1_80",
        "AEAD_AES_128_GCM", "NULL_HMAC_SHA1_80"})
    void refusesAPacketWithAnotherMkiAndCountsItWithoutKeepingState(final SrtpProfile profile) {
        final SrtpPolicy policy = policy(profile).withMki(new byte[] {1, 2, 3});
        final SrtpContext sender = SrtpContext.create(policy);
        final byte[] srtp = protect(sender, Packets.rtp(9, SSRC, 50), false);
        final byte[] srtcp = protect(sender, Packets.rtcp(SSRC, 9), true);
        final int mkiAt = profile.isAead() ? srtp.length - 3 : srtp.length - profile.rtpAuthTagLength() - 3;
        final int rtcpMkiAt = profile.isAead() ? srtcp.length - 3 : srtcp.length - profile.rtcpAuthTagLength() - 3;
        final SrtpContext receiver = SrtpContext.create(policy);
        for (int i = 0; i < 3 * 8; i++) {
            final byte[] forged = srtp.clone();
            forged[mkiAt + i / 8] ^= (byte) (1 << (i % 8));
            assertEquals(SrtpStatus.BAD_MKI, receiver.unprotectRtp(ByteBuffer.wrap(forged), 0, forged.length));
            final byte[] forgedRtcp = srtcp.clone();
            forgedRtcp[rtcpMkiAt + i / 8] ^= (byte) (1 << (i % 8));
            assertEquals(SrtpStatus.BAD_MKI, receiver.unprotectRtcp(ByteBuffer.wrap(forgedRtcp), 0,
                forgedRtcp.length));
        }
        assertEquals(48, receiver.failures(SrtpStatus.BAD_MKI));
        assertEquals("BAD_MKI", SrtpStatus.name(SrtpStatus.BAD_MKI));
        // the refused copies left no replay state: the genuine packets still pass, once
        assertTrue(receiver.unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0, srtp.length) > 0);
        assertTrue(receiver.unprotectRtcp(ByteBuffer.wrap(srtcp.clone()), 0, srtcp.length) > 0);
        assertEquals(48, receiver.failuresTotal());
        // a receiver that expects no MKI, or another length, cannot take them either
        final SrtpPolicy noMki = policy.withMki(new byte[0]);
        assertTrue(SrtpContext.create(noMki).unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0, srtp.length) < 0);
        assertTrue(SrtpContext.create(policy.withMki(0x010203, 4)).unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0,
            srtp.length) < 0);
        // every truncation is refused
        for (int length = 0; length < srtp.length; length++) {
            assertTrue(SrtpContext.create(policy).unprotectRtp(ByteBuffer.wrap(srtp.clone()), 0, length) < 0);
        }
        for (int length = 0; length < srtcp.length; length++) {
            assertTrue(SrtpContext.create(policy).unprotectRtcp(ByteBuffer.wrap(srtcp.clone()), 0, length) < 0);
        }
    }

    @Test
    void theLongestMkiFitsBehindTheLargestPacketInADirectBuffer() {
        final SrtpPolicy policy = policy(SrtpProfile.AEAD_AES_256_GCM).withMki(new byte[SrtpPolicy.MAX_MKI_LENGTH]);
        final byte[] rtcp = Arrays.copyOf(Packets.rtcp(SSRC, 1), Workspace.MAX_PACKET);
        final SrtpContext direct = SrtpContext.create(policy);
        final ByteBuffer buf = Packets.direct(rtcp, 0, rtcp.length + direct.rtcpOverhead());
        final int length = direct.protectRtcp(buf, 0, rtcp.length);
        assertEquals(rtcp.length + 4 + 255 + 16, length, SrtpStatus.name(length));
        // a heap buffer is transformed in its own array: the direct buffer's copy in the workspace must match it
        final ByteBuffer heap = ByteBuffer.wrap(Arrays.copyOf(rtcp, length));
        assertEquals(length, SrtpContext.create(policy).protectRtcp(heap, 0, rtcp.length));
        assertArrayEquals(heap.array(), Packets.bytes(buf, 0, length));
    }

    @Test
    void encodesTheMkiOfAnSdesLineBigEndianInItsLength() {
        assertArrayEquals(new byte[] {0, 0, 0, 7}, SrtpPolicy.mkiField(7, 4));
        assertArrayEquals(new byte[] {0, 1, 2}, SrtpPolicy.mkiField(0x0102, 3));
        assertArrayEquals(new byte[] {(byte) 0xff}, SrtpPolicy.mkiField(255, 1));
        assertEquals(255, SrtpPolicy.mkiField(Long.MAX_VALUE, 255).length);
        assertEquals(0, SrtpPolicy.mkiField(0, 0).length);
        assertThrows(IllegalArgumentException.class, () -> SrtpPolicy.mkiField(256, 1));
        assertThrows(IllegalArgumentException.class, () -> SrtpPolicy.mkiField(-1, 8));
        assertThrows(IllegalArgumentException.class, () -> SrtpPolicy.mkiField(1, 256));
        final SrtpPolicy policy = policy(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        assertThrows(IllegalArgumentException.class, () -> policy.withMki(new byte[256]));
        assertEquals(policy.withMki(1, 2), policy.withMki(new byte[] {0, 1}));
        assertNotEquals(policy.withMki(1, 2), policy.withMki(1, 3));
        assertNotEquals(policy, policy.withMki(1, 2));
        assertEquals(policy, policy.withMki(null));
        assertEquals(2, policy.withMki(1, 2).mkiLength());
        assertEquals("SrtpPolicy[AES_CM_128_HMAC_SHA1_80 MKI 2 bytes]", policy.withMki(1, 2).toString());
        assertEquals(policy.withMki(1, 2), policy.withMki(1, 2).withOptions(true, true, true));
    }

    /** @return the protected packet, trimmed to its length. */
    static byte[] protect(final SrtpContext context, final byte[] packet, final boolean rtcp) {
        final ByteBuffer buf = ByteBuffer.allocate(packet.length + 256).put(0, packet);
        final int length = rtcp ? context.protectRtcp(buf, 0, packet.length)
            : context.protectRtp(buf, 0, packet.length);
        if (length < 0) {
            throw new AssertionError(SrtpStatus.name(length));
        }
        return Arrays.copyOf(buf.array(), length);
    }
}
