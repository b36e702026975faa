package io.rtprelay.srtp;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of SRTP and SRTCP (docs/FUZZING.md), every profile, with and without encryption,
 * authentication and an MKI. The input's first three bytes choose the profile, the options and where the packet
 * sits in its buffer (see {@link Setup}); the rest is the packet.
 * <ul>
 *   <li>unprotect (of RTP or RTCP): returns a length no longer than the packet or an {@link SrtpStatus} failure,
 *       never throws, writes nothing outside the packet, and a packet that was accepted is refused as a replay the
 *       second time;</li>
 *   <li>round trip: what protect accepts grows by exactly the overhead and unprotects, in a second context of the
 *       same keys, back to the very packet.</li>
 * </ul>
 * Keys: the RFC 3711 appendix B.2 master key and salt, repeated or cut to each profile's lengths. Seeds: SRTP and
 * SRTCP packets our own SrtpContext protected with those keys, and plain RTP/RTCP for the round trip, in
 * {@code SrtpFuzzTestInputs/} (written by {@link SrtpFuzzSeeds}).
 */
class SrtpFuzzTest {
    private static final SrtpProfile[] PROFILES = SrtpProfile.values();
    private static final byte[] RFC3711_KEY = hex("2B7E151628AED2A6ABF7158809CF4F3C");
    private static final byte[] RFC3711_SALT = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
    private static final int[] MKI_LENGTHS = {0, 1, 2, 4};
    private static final int GUARD = 32;

    /**
     * What the first three bytes say: byte 0 the profile; byte 1 bit 0 no RTP encryption, bit 1 no RTCP encryption,
     * bit 2 no RTP authentication (not for AEAD), bits 3-4 the MKI length (0, 1, 2, 4), bit 5 RTCP, bit 6 round
     * trip, bit 7 a direct buffer; byte 2 low nibble the packet's offset in its buffer, high nibble extra tailroom.
     */
    record Setup(SrtpPolicy policy, boolean rtcp, boolean roundTrip, boolean direct, int offset, int tailroom) {
        static Setup of(final byte[] input) {
            final SrtpProfile profile = PROFILES[(input[0] & 0xFF) % PROFILES.length];
            final int flags = input[1] & 0xFF;
            final boolean authenticate = profile.isAead() || (flags & 4) == 0;
            final int mkiLength = MKI_LENGTHS[flags >> 3 & 3];
            final byte[] mki = new byte[mkiLength];
            Arrays.fill(mki, (byte)0x5a);
            final SrtpPolicy policy = new SrtpPolicy(profile, cycle(RFC3711_KEY, profile.masterKeyLength()),
                cycle(RFC3711_SALT, profile.masterSaltLength()), (flags & 1) == 0, (flags & 2) == 0, authenticate)
                .withMki(mki);
            return new Setup(policy, (flags & 0x20) != 0, (flags & 0x40) != 0, (flags & 0x80) != 0,
                input[2] & 0x0F, (input[2] & 0xF0) >> 4);
        }
    }

    @FuzzTest
    void unprotectRefusesOrRecoversAndProtectRoundTrips(final byte[] input) {
        if (input.length < 3) {
            return;
        }
        final Setup setup = Setup.of(input);
        final byte[] packet = Arrays.copyOfRange(input, 3, input.length);
        if (setup.roundTrip()) {
            roundTrip(setup, packet);
        } else {
            unprotect(setup, packet);
        }
    }

    private static void unprotect(final Setup setup, final byte[] packet) {
        final SrtpContext receiver = SrtpContext.create(setup.policy());
        final ByteBuffer buf = buffer(setup, packet, 0);
        final int status = unprotect(receiver, setup.rtcp(), buf, setup.offset(), packet.length);
        assertTrue(status <= packet.length, () -> "unprotect grew the packet to " + status);
        assertOnlyThePacketWritten(setup, packet, buf);
        if (status >= 0 && setup.policy().authenticateRtp()) {
            final ByteBuffer again = buffer(setup, packet, 0);
            assertEquals(SrtpStatus.REPLAYED, unprotect(receiver, setup.rtcp(), again, setup.offset(), packet.length),
                "the same authenticated packet accepted twice");
        }
    }

    private static void roundTrip(final Setup setup, final byte[] packet) {
        final SrtpContext sender = SrtpContext.create(setup.policy());
        final int overhead = setup.rtcp() ? sender.rtcpOverhead() : sender.rtpOverhead();
        final ByteBuffer buf = buffer(setup, packet, overhead);
        final int offset = setup.offset();
        final int protectedLength = setup.rtcp() ? sender.protectRtcp(buf, offset, packet.length)
            : sender.protectRtp(buf, offset, packet.length);
        if (protectedLength < 0) {
            assertTrue(SrtpStatus.isFailure(protectedLength), () -> "protect returned " + protectedLength);
            return;
        }
        assertEquals(packet.length + overhead, protectedLength);
        final SrtpContext receiver = SrtpContext.create(setup.policy());
        final int length = unprotect(receiver, setup.rtcp(), buf, offset, protectedLength);
        assertEquals(packet.length, length, () -> "unprotect of our own packet: " + SrtpStatus.name(length));
        final byte[] back = new byte[length];
        buf.get(offset, back);
        assertArrayEquals(packet, back);
    }

    private static int unprotect(final SrtpContext context, final boolean rtcp, final ByteBuffer buf,
        final int offset, final int length) {
        final int status = rtcp ? context.unprotectRtcp(buf, offset, length)
            : context.unprotectRtp(buf, offset, length);
        assertTrue(status >= 0 || SrtpStatus.isFailure(status), () -> "unknown status " + status);
        return status;
    }

    /** The packet at its offset, then the overhead and the extra tailroom, then a guard band. */
    private static ByteBuffer buffer(final Setup setup, final byte[] packet, final int overhead) {
        final int capacity = setup.offset() + packet.length + overhead + setup.tailroom();
        final ByteBuffer buf = setup.direct() ? ByteBuffer.allocateDirect(capacity + GUARD)
            : ByteBuffer.allocate(capacity + GUARD);
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (byte)0xa5);
        }
        buf.put(setup.offset(), packet);
        buf.limit(capacity);
        return buf;
    }

    private static void assertOnlyThePacketWritten(final Setup setup, final byte[] packet, final ByteBuffer buf) {
        buf.limit(buf.capacity());
        for (int i = 0; i < buf.capacity(); i++) {
            if (i < setup.offset() || i >= setup.offset() + packet.length) {
                assertEquals((byte)0xa5, buf.get(i), "unprotect wrote outside the packet at " + i);
            }
        }
    }

    private static byte[] cycle(final byte[] bytes, final int length) {
        final byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = bytes[i % bytes.length];
        }
        return out;
    }

    private static byte[] hex(final String hex) {
        final byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte)Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static SrtpPolicy policy(final byte[] header) {
        return Setup.of(header).policy();
    }
}
