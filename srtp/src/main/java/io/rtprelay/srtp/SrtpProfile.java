package io.rtprelay.srtp;

/**
 * The SRTP crypto suites this relay speaks, by their SDES names (RFC 4568 §6.2, RFC 6188 §4, RFC 7714 §14.1), and
 * {@code F8_128_HMAC_SHA1_32}, which rtpengine offers though RFC 4568 names only the 80-bit f8 suite.
 *
 * <p>Lengths are in bytes. For the HMAC-SHA1 suites the SRTCP tag is always 80 bits, also for the {@code _32}
 * suites (RFC 4568 §6.2.2, RFC 6188 §4); for the AEAD suites the tag is the 128-bit GCM tag on both (RFC 7714 §14.1).
 * The AEAD master salt is 96 bits; the key derivation pads it on the right to the 112 bits of the AES-CM PRF
 * (RFC 7714 §11). {@code NULL_*} suites authenticate but do not encrypt (RFC 4568 §6.2.4). Immutable; any thread.
 */
public enum SrtpProfile {
    /** AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (RFC 3711, RFC 4568). */
    AES_CM_128_HMAC_SHA1_80("AES_CM_128_HMAC_SHA1_80", Transform.AES_CM, 16, 14, 10, 10),
    /** AES-128 counter mode, HMAC-SHA1 with a 32-bit SRTP tag and an 80-bit SRTCP tag (RFC 4568). */
    AES_CM_128_HMAC_SHA1_32("AES_CM_128_HMAC_SHA1_32", Transform.AES_CM, 16, 14, 4, 10),
    /** AES-192 counter mode, HMAC-SHA1 80 (RFC 6188). */
    AES_192_CM_HMAC_SHA1_80("AES_192_CM_HMAC_SHA1_80", Transform.AES_CM, 24, 14, 10, 10),
    /** AES-192 counter mode, HMAC-SHA1 32 (RFC 6188). */
    AES_192_CM_HMAC_SHA1_32("AES_192_CM_HMAC_SHA1_32", Transform.AES_CM, 24, 14, 4, 10),
    /** AES-256 counter mode, HMAC-SHA1 80 (RFC 6188). */
    AES_256_CM_HMAC_SHA1_80("AES_256_CM_HMAC_SHA1_80", Transform.AES_CM, 32, 14, 10, 10),
    /** AES-256 counter mode, HMAC-SHA1 32 (RFC 6188). */
    AES_256_CM_HMAC_SHA1_32("AES_256_CM_HMAC_SHA1_32", Transform.AES_CM, 32, 14, 4, 10),
    /** AES-128 in f8 mode (RFC 3711 §4.1.2), HMAC-SHA1 80 (RFC 4568 §6.2.3); keys derived as for AES_CM_128. */
    F8_128_HMAC_SHA1_80("F8_128_HMAC_SHA1_80", Transform.AES_F8, 16, 14, 10, 10),
    /** AES-128 in f8 mode, HMAC-SHA1 with a 32-bit SRTP tag and an 80-bit SRTCP tag (rtpengine's suite). */
    F8_128_HMAC_SHA1_32("F8_128_HMAC_SHA1_32", Transform.AES_F8, 16, 14, 4, 10),
    /** AES-128 GCM, 128-bit tag (RFC 7714). */
    AEAD_AES_128_GCM("AEAD_AES_128_GCM", Transform.AES_GCM, 16, 12, 16, 16),
    /** AES-256 GCM, 128-bit tag (RFC 7714). */
    AEAD_AES_256_GCM("AEAD_AES_256_GCM", Transform.AES_GCM, 32, 12, 16, 16),
    /** No encryption, HMAC-SHA1 80 (RFC 4568 §6.2.4; keys are derived as for AES_CM_128). */
    NULL_HMAC_SHA1_80("NULL_HMAC_SHA1_80", Transform.NULL, 16, 14, 10, 10),
    /** No encryption, HMAC-SHA1 32 (RFC 4568 §6.2.4). */
    NULL_HMAC_SHA1_32("NULL_HMAC_SHA1_32", Transform.NULL, 16, 14, 4, 10);

    /** How a profile transforms the payload. */
    enum Transform {
        /** AES counter mode (RFC 3711 §4.1.1) with HMAC-SHA1 (RFC 3711 §4.2.1). */
        AES_CM,
        /** AES f8 mode (RFC 3711 §4.1.2) with HMAC-SHA1. */
        AES_F8,
        /** AES-GCM AEAD (RFC 7714). */
        AES_GCM,
        /** Identity transform with HMAC-SHA1. */
        NULL
    }

    /** Length of the HMAC-SHA1 session authentication key, n_a = 160 bits (RFC 3711 §4.2.1, §8.2). */
    static final int HMAC_SHA1_KEY_LENGTH = 20;

    private static final SrtpProfile[] VALUES = values();

    private final String sdesName;
    private final Transform transform;
    private final int masterKeyLength;
    private final int masterSaltLength;
    private final int rtpAuthTagLength;
    private final int rtcpAuthTagLength;

    SrtpProfile(final String sdesName, final Transform transform, final int masterKeyLength, final int masterSaltLength,
                final int rtpAuthTagLength, final int rtcpAuthTagLength) {
        this.sdesName = sdesName;
        this.transform = transform;
        this.masterKeyLength = masterKeyLength;
        this.masterSaltLength = masterSaltLength;
        this.rtpAuthTagLength = rtpAuthTagLength;
        this.rtcpAuthTagLength = rtcpAuthTagLength;
    }

    /** @return the crypto-suite name of an SDES {@code a=crypto} line. */
    public String sdesName() {
        return sdesName;
    }

    /** @return the master key length in bytes (also the session encryption key length). */
    public int masterKeyLength() {
        return masterKeyLength;
    }

    /** @return the master salt length in bytes: 14 for AES-CM, f8 and NULL, 12 for AEAD. */
    public int masterSaltLength() {
        return masterSaltLength;
    }

    /** @return master key plus master salt: the length of the SDES {@code inline:} key material. */
    public int keySaltLength() {
        return masterKeyLength + masterSaltLength;
    }

    /** @return the bytes of tag protect adds to an SRTP packet (AEAD: the GCM tag). */
    public int rtpAuthTagLength() {
        return rtpAuthTagLength;
    }

    /** @return the bytes of tag protect adds to an SRTCP packet, besides the 4-byte E flag and index. */
    public int rtcpAuthTagLength() {
        return rtcpAuthTagLength;
    }

    /** @return true for the AEAD (GCM) suites, which always authenticate and tag with GCM. */
    public boolean isAead() {
        return transform == Transform.AES_GCM;
    }

    /** @return true when this suite encrypts at all ({@code NULL_*} suites do not). */
    public boolean encrypts() {
        return transform != Transform.NULL;
    }

    Transform transform() {
        return transform;
    }

    /**
     * @param name an SDES crypto-suite name, case-sensitive as RFC 4568 registers them.
     * @return the profile, or null if this relay does not speak that suite.
     */
    public static SrtpProfile ofSdesName(final String name) {
        if (name == null) {
            return null;
        }
        for (final SrtpProfile profile : VALUES) {
            if (profile.sdesName.equals(name)) {
                return profile;
            }
        }
        return null;
    }
}
