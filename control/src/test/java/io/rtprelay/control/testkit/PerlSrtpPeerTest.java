package io.rtprelay.control.testkit;

import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The independent SRTP peer the end-to-end tests trust must agree with a second implementation before it is
 * trusted: here with the srtp module, both ways, and it must refuse a tampered packet.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PerlSrtpPeerTest {
    private static final HexFormat HEX = HexFormat.of();
    /** 30 bytes of key and salt; 46 for the 256-bit suites (the first 30 repeated in part). */
    private static final byte[] KEY_SALT = HEX.parseHex(
        "e1f97a0d3e018be0d64fa32c06de41390ec675ad498afeebb6960b3aabe6c173c317f2dabe357793b6960b3aabe6");

    @ParameterizedTest
    @ValueSource(strings = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80",
        "AES_192_CM_HMAC_SHA1_32", "F8_128_HMAC_SHA1_80", "F8_128_HMAC_SHA1_32"})
    void perlAndOursUnprotectEachOthersPackets(final String suite) {
        assumeTrue(PerlSrtpPeer.isAvailable(), "rtpengine-utils is not installed");
        final SrtpProfile profile = SrtpProfile.ofSdesName(suite);
        final byte[] keySalt = Arrays.copyOf(KEY_SALT, profile.keySaltLength());
        final String key = Base64.getEncoder().encodeToString(keySalt);
        final byte[] rtp = HEX.parseHex("80000fa00000a0001234abcd" + "0102030405060708090a0b0c0d0e0f10111213");
        final byte[] rtcp = HEX.parseHex("80c8000c1234abcd" + "e1d2c3b4a5968778695a4b3c2d1e0f000102030405060708");
        try (PerlSrtpPeer perl = PerlSrtpPeer.start()) {
            final SrtpContext ours = SrtpContext.create(SrtpPolicy.ofKeyAndSalt(profile, keySalt));
            final SrtpContext theirsIn = SrtpContext.create(SrtpPolicy.ofKeyAndSalt(profile, keySalt));

            final byte[] srtpByPerl = perl.protectRtp(suite, key, 0, rtp);
            assertArrayEquals(rtp, unprotect(theirsIn, srtpByPerl, false));
            final byte[] srtpByUs = protect(ours, rtp, false);
            assertArrayEquals(srtpByPerl, srtpByUs, "AES-CM and f8 are deterministic: both must make the same packet");
            assertArrayEquals(rtp, perl.unprotectRtp(suite, key, 0, srtpByUs).packet());

            final byte[] srtcpByUs = protect(ours, rtcp, true);
            final PerlSrtpPeer.Unprotected fromUs = perl.unprotectRtcp(suite, key, srtcpByUs);
            assertArrayEquals(rtcp, fromUs.packet());
            assertEquals(0, fromUs.index());
            assertArrayEquals(rtcp, unprotect(theirsIn, perl.protectRtcp(suite, key, 0, rtcp), true));

            final byte[] tampered = srtpByUs.clone();
            tampered[14] ^= 1;
            assertFalse(perl.unprotectRtp(suite, key, 0, tampered).authenticated());
            assertTrue(perl.unprotectRtp(suite, key, 0, srtpByUs).authenticated());
        }
    }

    /** The MKI (RFC 3711 §3.1, §3.4): the module writes it, ours must write the same bytes and check them. */
    @ParameterizedTest
    @ValueSource(strings = {"AES_CM_128_HMAC_SHA1_80", "F8_128_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_32"})
    void perlAndOursAgreeOnTheMki(final String suite) {
        assumeTrue(PerlSrtpPeer.isAvailable(), "rtpengine-utils is not installed");
        final SrtpProfile profile = SrtpProfile.ofSdesName(suite);
        final byte[] keySalt = Arrays.copyOf(KEY_SALT, profile.keySaltLength());
        final String key = Base64.getEncoder().encodeToString(keySalt);
        final SrtpPolicy policy = SrtpPolicy.ofKeyAndSalt(profile, keySalt).withMki(300, 2);
        final byte[] rtp = HEX.parseHex("80000fa00000a0001234abcd" + "0102030405060708090a0b0c0d0e0f10111213");
        final byte[] rtcp = HEX.parseHex("80c8000c1234abcd" + "e1d2c3b4a5968778695a4b3c2d1e0f000102030405060708");
        try (PerlSrtpPeer perl = PerlSrtpPeer.start()) {
            final SrtpContext ours = SrtpContext.create(policy);
            final byte[] srtpByPerl = perl.protectRtp(suite, key, 0, rtp, "300:2");
            assertArrayEquals(srtpByPerl, protect(ours, rtp, false));
            assertArrayEquals(rtp, unprotect(SrtpContext.create(policy), srtpByPerl, false));
            assertArrayEquals(rtp, perl.unprotectRtp(suite, key, 0, srtpByPerl, "300:2").packet());
            assertEquals("bad-mki", perl.unprotectRtp(suite, key, 0, srtpByPerl, "301:2").failure());

            final byte[] srtcpByPerl = perl.protectRtcp(suite, key, 0, rtcp, "300:2");
            assertArrayEquals(srtcpByPerl, protect(ours, rtcp, true));
            assertArrayEquals(rtcp, unprotect(SrtpContext.create(policy), srtcpByPerl, true));
            assertArrayEquals(rtcp, perl.unprotectRtcp(suite, key, srtcpByPerl, "300:2").packet());
            assertEquals("bad-mki", perl.unprotectRtcp(suite, key, srtcpByPerl, "301:2").failure());
        }
    }

    @Test
    void theModuleIsInstalled() {
        assertTrue(PerlSrtpPeer.isAvailable(), "Debian package rtpengine-utils provides " + PerlSrtpPeer.MODULE);
    }

    private static byte[] protect(final SrtpContext context, final byte[] packet, final boolean rtcp) {
        final ByteBuffer buf = ByteBuffer.allocate(packet.length + 64);
        buf.put(0, packet);
        final int n = rtcp ? context.protectRtcp(buf, 0, packet.length) : context.protectRtp(buf, 0, packet.length);
        assertTrue(n > 0, "protect failed: " + n);
        final byte[] out = new byte[n];
        buf.get(0, out);
        return out;
    }

    private static byte[] unprotect(final SrtpContext context, final byte[] packet, final boolean rtcp) {
        final ByteBuffer buf = ByteBuffer.allocate(packet.length);
        buf.put(0, packet);
        final int n = rtcp ? context.unprotectRtcp(buf, 0, packet.length)
            : context.unprotectRtp(buf, 0, packet.length);
        assertTrue(n > 0, "unprotect failed: " + n);
        final byte[] out = new byte[n];
        buf.get(0, out);
        return out;
    }
}
