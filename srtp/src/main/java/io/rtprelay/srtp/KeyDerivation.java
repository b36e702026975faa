package io.rtprelay.srtp;

import io.rtprelay.srtp.cipher.AesCtr;

import java.util.Arrays;

/**
 * The SRTP key derivation (RFC 3711 §4.3) with key derivation rate 0, the only rate SDES and DTLS-SRTP use: each
 * session key is the AES-CM keystream under the master key, with IV = (master salt XOR (label || r)) * 2^16 and
 * r = 0 (§4.3.1, §4.3.3). The AES-256 and AES-192 suites use the same PRF with their longer master key (RFC 6188 §3);
 * the AEAD suites' 96-bit master salt is padded with two zero bytes on the right (RFC 7714 §11). Called when a
 * context is made, on the control thread; allocates freely.
 */
public final class KeyDerivation {
    /** Label of the SRTP encryption key, k_e. */
    public static final int SRTP_ENCRYPTION = 0x00;
    /** Label of the SRTP authentication key, k_a. */
    public static final int SRTP_AUTHENTICATION = 0x01;
    /** Label of the SRTP salting key, k_s. */
    public static final int SRTP_SALT = 0x02;
    /** Label of the SRTCP encryption key. */
    public static final int SRTCP_ENCRYPTION = 0x03;
    /** Label of the SRTCP authentication key. */
    public static final int SRTCP_AUTHENTICATION = 0x04;
    /** Label of the SRTCP salting key. */
    public static final int SRTCP_SALT = 0x05;

    private static final int PRF_SALT_LENGTH = 14;

    private KeyDerivation() {
    }

    /**
     * @param masterKey  the master key (16, 24 or 32 bytes).
     * @param masterSalt the master salt, 14 bytes (12 for the AEAD suites, padded here).
     * @param label      one of this class's labels.
     * @param length     the length of the session key wanted.
     * @return the derived session key.
     */
    public static byte[] derive(final byte[] masterKey, final byte[] masterSalt, final int label, final int length) {
        if (masterSalt.length > PRF_SALT_LENGTH) {
            throw new IllegalArgumentException("master salt of " + masterSalt.length + " bytes");
        }
        final byte[] iv = new byte[AesCtr.BLOCK];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        // key_id = label || r (48 bits of 0) lines up with the salt's last 7 bytes, so the label XORs byte 7.
        iv[7] ^= (byte) label;
        final byte[] out = new byte[length];
        new AesCtr(masterKey).xorKeystream(iv, out, 0, length, new byte[AesCtr.CHUNK], new byte[AesCtr.CHUNK]);
        return out;
    }

    /**
     * The six session keys of a policy.
     *
     * @param policy the master key, salt and profile.
     * @return the keys.
     */
    static SessionKeys sessionKeys(final SrtpPolicy policy) {
        final SrtpProfile p = policy.profile();
        final byte[] key = policy.masterKeyRef();
        final byte[] salt = policy.masterSaltRef();
        final int keyLength = p.masterKeyLength();
        final int saltLength = p.masterSaltLength();
        final int authLength = p.isAead() ? 0 : SrtpProfile.HMAC_SHA1_KEY_LENGTH;
        return new SessionKeys(
            derive(key, salt, SRTP_ENCRYPTION, keyLength), derive(key, salt, SRTP_SALT, saltLength),
            derive(key, salt, SRTP_AUTHENTICATION, authLength),
            derive(key, salt, SRTCP_ENCRYPTION, keyLength), derive(key, salt, SRTCP_SALT, saltLength),
            derive(key, salt, SRTCP_AUTHENTICATION, authLength));
    }

    /**
     * Session keys of one context.
     *
     * @param rtpKey   SRTP k_e.
     * @param rtpSalt  SRTP k_s (14 bytes, 12 for AEAD).
     * @param rtpAuth  SRTP k_a (20 bytes, empty for AEAD).
     * @param rtcpKey  SRTCP k_e.
     * @param rtcpSalt SRTCP k_s.
     * @param rtcpAuth SRTCP k_a.
     */
    record SessionKeys(byte[] rtpKey, byte[] rtpSalt, byte[] rtpAuth, byte[] rtcpKey, byte[] rtcpSalt,
                       byte[] rtcpAuth) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof SessionKeys k && Arrays.equals(k.rtpKey, rtpKey) && Arrays.equals(k.rtpSalt, rtpSalt)
                && Arrays.equals(k.rtpAuth, rtpAuth) && Arrays.equals(k.rtcpKey, rtcpKey)
                && Arrays.equals(k.rtcpSalt, rtcpSalt) && Arrays.equals(k.rtcpAuth, rtcpAuth);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(rtpKey);
        }

        @Override
        public String toString() {
            return "SessionKeys[...]";
        }
    }
}
