package io.rtprelay.srtp.dtls;

import io.rtprelay.srtp.SrtpProfile;

import java.util.List;

/**
 * The DTLS-SRTP protection profiles of the {@code use_srtp} extension (RFC 5764 §4.1.2, RFC 7714 §14.2) this relay
 * negotiates, with their IANA code points and the {@link SrtpProfile} each keys. The exporter's output is
 * {@code 2 * (key + salt)} bytes of the profile ({@link #keyingMaterialLength()}, RFC 5764 §4.2).
 *
 * <p>{@link #DEFAULT_PREFERENCE} is rtpengine's order: the order in which it lists its crypto suites when it offers
 * SDES (AES_CM_128 80 then 32, then AEAD AES-256 then AES-128 GCM; its own tests show it), restricted to those with a
 * DTLS-SRTP profile. The {@code NULL} profiles authenticate without encrypting and are never offered unless asked
 * for. Immutable; any thread.
 */
public enum UseSrtpProfile {
    /** {@code SRTP_AES128_CM_HMAC_SHA1_80} (0x0001), the one every peer speaks (RFC 8827 §6.5). */
    SRTP_AES128_CM_HMAC_SHA1_80(0x0001, SrtpProfile.AES_CM_128_HMAC_SHA1_80),
    /** {@code SRTP_AES128_CM_HMAC_SHA1_32} (0x0002): 32-bit SRTP tag, 80-bit SRTCP tag (RFC 5764 §4.1.2). */
    SRTP_AES128_CM_HMAC_SHA1_32(0x0002, SrtpProfile.AES_CM_128_HMAC_SHA1_32),
    /** {@code SRTP_NULL_HMAC_SHA1_80} (0x0005): no encryption. */
    SRTP_NULL_HMAC_SHA1_80(0x0005, SrtpProfile.NULL_HMAC_SHA1_80),
    /** {@code SRTP_NULL_HMAC_SHA1_32} (0x0006): no encryption. */
    SRTP_NULL_HMAC_SHA1_32(0x0006, SrtpProfile.NULL_HMAC_SHA1_32),
    /** {@code SRTP_AEAD_AES_128_GCM} (0x0007, RFC 7714 §14.2). */
    SRTP_AEAD_AES_128_GCM(0x0007, SrtpProfile.AEAD_AES_128_GCM),
    /** {@code SRTP_AEAD_AES_256_GCM} (0x0008, RFC 7714 §14.2). */
    SRTP_AEAD_AES_256_GCM(0x0008, SrtpProfile.AEAD_AES_256_GCM);

    /** What the relay offers (as client) and prefers (as server), best first: rtpengine's order. */
    public static final List<UseSrtpProfile> DEFAULT_PREFERENCE = List.of(SRTP_AES128_CM_HMAC_SHA1_80,
        SRTP_AES128_CM_HMAC_SHA1_32, SRTP_AEAD_AES_256_GCM, SRTP_AEAD_AES_128_GCM);

    private static final UseSrtpProfile[] VALUES = values();

    private final int id;
    private final SrtpProfile srtpProfile;

    UseSrtpProfile(final int id, final SrtpProfile srtpProfile) {
        this.id = id;
        this.srtpProfile = srtpProfile;
    }

    /** @return the two-byte code point in {@code use_srtp}. */
    public int id() {
        return id;
    }

    /** @return the SRTP crypto suite the exported keys are for. */
    public SrtpProfile srtpProfile() {
        return srtpProfile;
    }

    /** @return {@code 2 * (master key + master salt)}: the exporter's output length for this profile. */
    public int keyingMaterialLength() {
        return 2 * srtpProfile.keySaltLength();
    }

    /**
     * @param id a {@code use_srtp} code point.
     * @return its profile, or null if this relay does not negotiate it.
     */
    public static UseSrtpProfile ofId(final int id) {
        for (final UseSrtpProfile p : VALUES) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }

    /**
     * @param name the OpenSSL-style name ({@code SRTP_AES128_CM_SHA1_80}) or this enum's name, case-insensitive.
     * @return the profile, or null.
     */
    public static UseSrtpProfile ofName(final String name) {
        for (final UseSrtpProfile p : VALUES) {
            if (p.name().equalsIgnoreCase(name) || p.name().replace("_HMAC", "").equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }
}
