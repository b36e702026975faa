package io.rtprelay.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * Whole packets against published vectors: RFC 7714 §16-17 (AEAD, stated with session keys) and libsrtp's own
 * known-answer packets of test/srtp_driver.c (AES-CM with the RFC 3711 B.3 master key; AES-256 with RFC 6188's);
 * and, for AES-f8 (which neither libsrtp nor an RFC packet vector covers), packets the real rtpengine made.
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

    // rtpengine 10.5 (the real daemon, observed on loopback): the RTP and RTCP a plain party sent, and the SRTP and
    // SRTCP rtpengine made of them under the key it offered in a=crypto (inline key and salt, base64). The RTP runs
    // over the sequence number wrap (ROC 0 then 1); rtpengine's SRTCP indices count from 0.
    private static final String RTPENGINE_F8_80_KEY = "Eo9mncFEJRLceF0lZFjp62+bkXbCInfflrZcwz13";
    private static final String[][] RTPENGINE_F8_80_RTP = {
        {"8008fffe009ffec05d1a7c33fe050c131a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3"
            + "fa",
            "8008fffe009ffec05d1a7c33799c82e4777a09fc59aa650f6a2d91406733aad699780e1cf4f91a2fc943dd235014c33a"
            + "6fb4a40bde4f7f084474e2"},
        {"8008ffff009fff605d1a7c33ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4"
            + "fb",
            "8008ffff009fff605d1a7c33e47a938d54bf50d840552cdd37d9f8e53ca3e78ee52002031342ead492ccbe2912b8e84c"
            + "3b9302f266a37fe401785d"},
        {"80080000000000005d1a7c3300070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5"
            + "fc",
            "80080000000000005d1a7c336e6bb6074aae5dfe813727eabd19b7a02bb6e1a6c28f6bb3bd7726d7a27c52e4cfcdd40d"
            + "b2aca12432b097d8e05d4c"},
        {"80080001000000a05d1a7c3301080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8eff6"
            + "fd",
            "80080001000000a05d1a7c336ae11441f03a2e0a11b7dc8b0d97261466dc06e4c695b7ca758f0d184c5eaf92d795954f"
            + "3e05074fc8b7976e180494"},
    };
    private static final String[][] RTPENGINE_F8_80_RTCP = {
        {"81c900075d1a7c33000d1a2734414e5b6875828f9ca9b6c3d0ddeaf704111e2b",
            "81c900075d1a7c33f92399e50b59f20fdc371ef895adb5a3ec50460cd378599780000000b8eb05995027f7df4832"},
        {"81c900075d1a7c33010e1b2835424f5c697683909daab7c4d1deebf805121f2c",
            "81c900075d1a7c337cad3d87e3423034ee73bb55e1cd8e359142ffe7620f9b4780000001ce822b60d4bafd02464d"},
    };
    private static final String RTPENGINE_F8_32_KEY = "F6BklqkauzXrgB41ZoDcWtEgR0qz/aigqF3xjtx+";
    private static final String[][] RTPENGINE_F8_32_RTP = {
        {"8008fffe009ffec05d1a7c33fe050c131a21282f363d444b525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3"
            + "fa",
            "8008fffe009ffec05d1a7c330fe15dd180e306ad84ed8e8433a9ca782c5f9ed8156a30725e75e8425dbdaf8213f85084"
            + "9dea7efcaa"},
        {"8008ffff009fff605d1a7c33ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4"
            + "fb",
            "8008ffff009fff605d1a7c33beac4d7e5a832fa3fb85f25f35ac416517e55189b22748fc467b85713596b89e16d60f67"
            + "916bb748be"},
        {"80080000000000005d1a7c3300070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5"
            + "fc",
            "80080000000000005d1a7c33a364be1a588f916799685d92c9c3ca8a4f3dc49681146875d4b4ab18c52107860d4fab05"
            + "26341dae58"},
        {"80080001000000a05d1a7c3301080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8eff6"
            + "fd",
            "80080001000000a05d1a7c333e7aaad82bb82074ab6adeb7de6ba8cbf0d88f63c7121daa858251dca2d1d4d1177a1644"
            + "7992efe7ce"},
    };
    private static final String[][] RTPENGINE_F8_32_RTCP = {
        {"81c900075d1a7c33000d1a2734414e5b6875828f9ca9b6c3d0ddeaf704111e2b",
            "81c900075d1a7c3362ac5c21758737b0dbce1277e7c39f8d287a6278631b3d358000000028ada7ddb3334498c130"},
        {"81c900075d1a7c33010e1b2835424f5c697683909daab7c4d1deebf805121f2c",
            "81c900075d1a7c332c331e8c9e245f6d2bff5bcffeb2aedcc47712ba8f1ad33780000001623bdc9dfa5b0eefa97e"},
    };

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

    /** AES-f8 (RFC 3711 §4.1.2) against packets rtpengine made: SRTP across the wrap and SRTCP, both suites. */
    @Test
    void matchesRtpenginesF8PacketsAcrossTheRolloverBothWays() {
        checkAgainstRtpengine(SrtpProfile.F8_128_HMAC_SHA1_80, RTPENGINE_F8_80_KEY, RTPENGINE_F8_80_RTP,
            RTPENGINE_F8_80_RTCP);
        checkAgainstRtpengine(SrtpProfile.F8_128_HMAC_SHA1_32, RTPENGINE_F8_32_KEY, RTPENGINE_F8_32_RTP,
            RTPENGINE_F8_32_RTCP);
    }

    private static void checkAgainstRtpengine(final SrtpProfile profile, final String key, final String[][] rtp,
                                              final String[][] rtcp) {
        final SrtpPolicy policy = SrtpPolicy.ofKeyAndSalt(profile, Base64.getDecoder().decode(key));
        final SrtpContext sender = SrtpContext.create(policy);
        final SrtpContext receiver = SrtpContext.create(policy);
        for (final String[] p : rtp) {
            assertEquals(p[1], run(p[0], (b, n) -> sender.protectRtp(b, 0, n)), profile + " SRTP " + p[0]);
            assertEquals(p[0], run(p[1], (b, n) -> receiver.unprotectRtp(b, 0, n)), profile + " RTP " + p[1]);
        }
        for (final String[] p : rtcp) {
            assertEquals(p[1], run(p[0], (b, n) -> sender.protectRtcp(b, 0, n)), profile + " SRTCP " + p[0]);
            assertEquals(p[0], run(p[1], (b, n) -> receiver.unprotectRtcp(b, 0, n)), profile + " RTCP " + p[1]);
        }
        assertEquals(0, sender.failuresTotal() + receiver.failuresTotal());
    }
}
