package io.rtprelay.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * Whole packets against published vectors: RFC 7714 §16-17 (AEAD, stated with session keys) and libsrtp's own
 * known-answer packets of test/srtp_driver.c (AES-CM with the RFC 3711 B.3 master key; AES-256 with RFC 6188's).
 */
class SrtpContextVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    // RFC 7714 §16 and §17: session key, session salt, the RTP and RTCP packets.
    private static final String KEY_128 = "000102030405060708090a0b0c0d0e0f";
    private static final String KEY_256 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private static final String SALT = "517569642070726f2071756f";
    private static final String RTP = "8040f17b8041f8d35501a0b2"
        + "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
    private static final String RTCP = "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61"
        + "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
    private static final int SRTCP_INDEX = 0x5d4;

    private static byte[] hex(final String s) {
        return HEX.parseHex(s);
    }

    private static SrtpContext aead(final SrtpProfile profile, final String key, final boolean encrypt) {
        final byte[] k = hex(key);
        final byte[] s = hex(SALT);
        return SrtpContext.withSessionKeys(profile, new KeyDerivation.SessionKeys(k, s, new byte[0], k, s,
            new byte[0]), encrypt, encrypt, true, 128, 4);
    }

    /** Runs a transform on a direct buffer with room to grow; returns the resulting bytes. */
    private static String run(final String packet, final Transform transform) {
        final byte[] in = hex(packet);
        final ByteBuffer buf = ByteBuffer.allocateDirect(in.length + 64);
        buf.put(0, in);
        final int length = transform.apply(buf, in.length);
        if (length < 0) {
            return SrtpStatus.name(length);
        }
        final byte[] out = new byte[length];
        buf.get(0, out);
        return HEX.formatHex(out);
    }

    /** One call under test. */
    private interface Transform {
        int apply(ByteBuffer buf, int length);
    }

    @Test
    void protectsAndUnprotectsRfc7714Section16_1_1Aes128GcmSrtp() {
        final String srtp = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b"
            + "36de3adf8833899d7f27beb16a9152cf765ee4390cce";
        final SrtpContext sender = aead(SrtpProfile.AEAD_AES_128_GCM, KEY_128, true);
        assertEquals(srtp, run(RTP, (b, n) -> sender.protectRtp(b, 0, n)));
        final SrtpContext receiver = aead(SrtpProfile.AEAD_AES_128_GCM, KEY_128, true);
        assertEquals(RTP, run(srtp, (b, n) -> receiver.unprotectRtp(b, 0, n)));
    }

    @Test
    void protectsAndUnprotectsRfc7714Section16_2_1Aes256GcmSrtp() {
        final String srtp = "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f"
            + "1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13";
        final SrtpContext sender = aead(SrtpProfile.AEAD_AES_256_GCM, KEY_256, true);
        assertEquals(srtp, run(RTP, (b, n) -> sender.protectRtp(b, 0, n)));
        final SrtpContext receiver = aead(SrtpProfile.AEAD_AES_256_GCM, KEY_256, true);
        assertEquals(RTP, run(srtp, (b, n) -> receiver.unprotectRtp(b, 0, n)));
    }

    /** RFC 7714 §16.1.3: authentication tagging only, the whole RTP packet as associated data. */
    @Test
    void tagsRfc7714Section16_1_3UnencryptedSrtpWithTheWholePacketAsAssociatedData() {
        final String tagged = RTP + "22493f82d2bce397e9d79e3b19aa4216";
        final SrtpContext sender = aead(SrtpProfile.AEAD_AES_128_GCM, KEY_128, false);
        assertEquals(tagged, run(RTP, (b, n) -> sender.protectRtp(b, 0, n)));
        final SrtpContext receiver = aead(SrtpProfile.AEAD_AES_128_GCM, KEY_128, false);
        assertEquals(RTP, run(tagged, (b, n) -> receiver.unprotectRtp(b, 0, n)));
    }

    @Test
    void protectsAndUnprotectsRfc7714Section17_1Aes128GcmSrtcp() {
        final String srtcp = "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b"
            + "4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4";
        checkSrtcp(SrtpProfile.AEAD_AES_128_GCM, KEY_128, true, srtcp);
    }

    @Test
    void protectsAndUnprotectsRfc7714Section17_2Aes256GcmSrtcp() {
        final String srtcp = "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f6"
            + "58c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4";
        checkSrtcp(SrtpProfile.AEAD_AES_256_GCM, KEY_256, true, srtcp);
    }

    /** RFC 7714 §17.3: SRTCP tagged but not encrypted (E flag clear). */
    @Test
    void tagsRfc7714Section17_3UnencryptedSrtcp() {
        checkSrtcp(SrtpProfile.AEAD_AES_128_GCM, KEY_128, false, RTCP + "841dd9683dd78ec92ae58790125f62b3000005d4");
    }

    private static void checkSrtcp(final SrtpProfile profile, final String key, final boolean encrypt,
                                   final String srtcp) {
        final SrtpContext receiver = aead(profile, key, encrypt);
        assertEquals(RTCP, run(srtcp, (b, n) -> receiver.unprotectRtcp(b, 0, n)));
        final SrtpContext sender = aead(profile, key, encrypt);
        final byte[] rtcp = hex(RTCP);
        for (int i = 0; i < SRTCP_INDEX; i++) {
            final ByteBuffer scratch = ByteBuffer.allocate(rtcp.length + 64);
            scratch.put(0, rtcp);
            sender.protectRtcp(scratch, 0, rtcp.length);
        }
        assertEquals(srtcp, run(RTCP, (b, n) -> sender.protectRtcp(b, 0, n)));
    }

    /** libsrtp test/srtp_driver.c: srtp_validate() (AES_CM_128_HMAC_SHA1_80, RFC 3711 B.3 master key). */
    @Test
    void matchesLibsrtpKnownAnswerForAesCm128() {
        final SrtpContext sender = SrtpContext.create(SrtpPolicy.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
            hex("e1f97a0d3e018be0d64fa32c06de4139"), hex("0ec675ad498afeebb6960b3aabe6")));
        final String rtp = "800f1234decafbadcafebabe" + "ab".repeat(16);
        final String srtp = "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb";
        assertEquals(srtp, run(rtp, (b, n) -> sender.protectRtp(b, 0, n)));
        final SrtpContext receiver = SrtpContext.create(SrtpPolicy.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
            hex("e1f97a0d3e018be0d64fa32c06de4139"), hex("0ec675ad498afeebb6960b3aabe6")));
        assertEquals(rtp, run(srtp, (b, n) -> receiver.unprotectRtp(b, 0, n)));

        // srtcp_ciphertext of the same file carries SRTCP index 1: libsrtp counts from 1, RFC 3711 from 0.
        final String rtcp = "81c8000bcafebabe" + "ab".repeat(16);
        final String srtcp = "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798";
        run(rtcp, (b, n) -> sender.protectRtcp(b, 0, n));
        assertEquals(srtcp, run(rtcp, (b, n) -> sender.protectRtcp(b, 0, n)));
        assertEquals(rtcp, run(srtcp, (b, n) -> receiver.unprotectRtcp(b, 0, n)));
    }

    /** libsrtp test/srtp_driver.c: srtp_validate_aes_256() (AES_256_CM_HMAC_SHA1_80, RFC 6188 master key). */
    @Test
    void matchesLibsrtpKnownAnswerForAesCm256() {
        final SrtpPolicy policy = SrtpPolicy.of(SrtpProfile.AES_256_CM_HMAC_SHA1_80,
            hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6"),
            hex("3b04803de51ee7c96423ab5b78d2"));
        final String rtp = "800f1234decafbadcafebabe" + "ab".repeat(16);
        final String srtp = "800f1234decafbadcafebabef1d9de17ff251ff1aa007774b0b4b40da08d9d9a5b3a55d8873b";
        final SrtpContext sender = SrtpContext.create(policy);
        assertEquals(srtp, run(rtp, (b, n) -> sender.protectRtp(b, 0, n)));
        final SrtpContext receiver = SrtpContext.create(policy);
        assertEquals(rtp, run(srtp, (b, n) -> receiver.unprotectRtp(b, 0, n)));
    }
}
