package io.rtprelay.control.sdp;

/**
 * The SRTP crypto suites of SDP security descriptions (RFC 4568 §6.2, RFC 6188 §7, RFC 7714 §14.2) that rtpengine
 * knows, in the order in which rtpengine 10.5 adds its own {@code a=crypto} lines to an offer. The lengths are those
 * of the master key and master salt concatenated in the {@code inline:} key parameter. Which suites the relay can
 * apply to packets is the srtp module's business ({@code SrtpProfile}); this table is what SDP may name. Immutable.
 */
public enum SdesSuite {
    /** RFC 7714 §14.2: AES-256 in GCM, 16-byte tag. */
    AEAD_AES_256_GCM(32, 12),
    /** RFC 7714 §14.2: AES-128 in GCM, 16-byte tag. */
    AEAD_AES_128_GCM(16, 12),
    /** RFC 6188 §7.1: AES-256 counter mode, 80-bit HMAC-SHA1 tag. */
    AES_256_CM_HMAC_SHA1_80(32, 14),
    /** RFC 6188 §7.1: AES-256 counter mode, 32-bit HMAC-SHA1 tag. */
    AES_256_CM_HMAC_SHA1_32(32, 14),
    /** RFC 6188 §7.1: AES-192 counter mode, 80-bit HMAC-SHA1 tag. */
    AES_192_CM_HMAC_SHA1_80(24, 14),
    /** RFC 6188 §7.1: AES-192 counter mode, 32-bit HMAC-SHA1 tag. */
    AES_192_CM_HMAC_SHA1_32(24, 14),
    /** RFC 4568 §6.2.1: AES-128 counter mode, 80-bit HMAC-SHA1 tag. */
    AES_CM_128_HMAC_SHA1_80(16, 14),
    /** RFC 4568 §6.2.2: AES-128 counter mode, 32-bit HMAC-SHA1 tag. */
    AES_CM_128_HMAC_SHA1_32(16, 14),
    /** RFC 4568 §6.2.3: AES-128 in f8 mode, 80-bit HMAC-SHA1 tag. */
    F8_128_HMAC_SHA1_80(16, 14),
    /** rtpengine's name for AES-128 in f8 mode with a 32-bit HMAC-SHA1 tag. */
    F8_128_HMAC_SHA1_32(16, 14),
    /** rtpengine's name for the NULL cipher (RFC 3711 §4.1.3) with an 80-bit HMAC-SHA1 tag. */
    NULL_HMAC_SHA1_80(16, 14),
    /** rtpengine's name for the NULL cipher with a 32-bit HMAC-SHA1 tag. */
    NULL_HMAC_SHA1_32(16, 14);

    private final int masterKeyLength;
    private final int masterSaltLength;

    SdesSuite(final int masterKeyLength, final int masterSaltLength) {
        this.masterKeyLength = masterKeyLength;
        this.masterSaltLength = masterSaltLength;
    }

    /** @return the master key length in bytes. */
    public int masterKeyLength() {
        return masterKeyLength;
    }

    /** @return the master salt length in bytes. */
    public int masterSaltLength() {
        return masterSaltLength;
    }

    /** @return the length of the decoded {@code inline:} key: master key and master salt. */
    public int keySaltLength() {
        return masterKeyLength + masterSaltLength;
    }

    /** @return the suite name as SDP writes it, e.g. {@code AES_CM_128_HMAC_SHA1_80}. */
    public String sdesName() {
        return name();
    }

    /**
     * @param name a suite name from an {@code a=crypto} line or an SDES flag; rtpengine ignores case in both.
     * @return the suite, or null when rtpengine does not know it either.
     */
    public static SdesSuite ofSdesName(final String name) {
        for (final SdesSuite s : values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }
}
