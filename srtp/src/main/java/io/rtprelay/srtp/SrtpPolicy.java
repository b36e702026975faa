package io.rtprelay.srtp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The keying and options of one SRTP crypto context: a profile, its master key and master salt (RFC 3711 §8.1),
 * the SDES session parameters {@code UNENCRYPTED_SRTP}, {@code UNENCRYPTED_SRTCP} and {@code UNAUTHENTICATED_SRTP}
 * (RFC 4568 §6.3.3) as the flags {@code encryptRtp=false}, {@code encryptRtcp=false} and
 * {@code authenticateRtp=false}, and the master key identifier (MKI, RFC 3711 §3.1, RFC 4568 §6.1) that the packets
 * of this key carry, if any. SRTCP is always authenticated (RFC 3711 §3.4).
 *
 * <p>Immutable: the arrays are copied in and copied out, so a policy can be handed between threads. Its
 * {@link #toString()} never shows key material.
 *
 * @param profile         the crypto suite.
 * @param masterKey       {@link SrtpProfile#masterKeyLength()} bytes.
 * @param masterSalt      {@link SrtpProfile#masterSaltLength()} bytes.
 * @param encryptRtp      false for {@code UNENCRYPTED_SRTP}: SRTP payloads are sent and accepted in the clear (still
 *                        authenticated unless {@code authenticateRtp} is false; with an AEAD profile the whole
 *                        packet becomes GCM associated data, RFC 7714 §16.1.3).
 * @param encryptRtcp     false for {@code UNENCRYPTED_SRTCP}: SRTCP is sent with the E flag clear. Received SRTCP is
 *                        decrypted or not as its E flag says (it is authenticated either way).
 * @param authenticateRtp false for {@code UNAUTHENTICATED_SRTP}: SRTP packets carry no tag. Not allowed with an AEAD
 *                        profile, which always authenticates.
 * @param mki             the MKI field every SRTP and SRTCP packet of this key carries, its length the MKI length:
 *                        empty (or null) for none, at most {@link #MAX_MKI_LENGTH} bytes. Protect writes it, unprotect
 *                        refuses a packet whose MKI differs ({@link SrtpStatus#BAD_MKI}).
 */
public record SrtpPolicy(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, boolean encryptRtp,
                         boolean encryptRtcp, boolean authenticateRtp, byte[] mki) {
    /**
     * The longest MKI: RFC 4568 §6.1 allows 1 to 128 bytes (libsrtp's {@code SRTP_MAX_MKI_LEN} too), rtpengine takes
     * up to 255 from SDES, and so does this relay.
     */
    public static final int MAX_MKI_LENGTH = 255;
    private static final byte[] NO_MKI = new byte[0];

    /**
     * Checks and copies.
     *
     * @throws IllegalArgumentException if a length does not fit the profile, the MKI is too long, or an AEAD profile
     *                                  is asked not to authenticate.
     */
    public SrtpPolicy {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(masterSalt, "masterSalt");
        if (masterKey.length != profile.masterKeyLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.masterKeyLength()
                + "-byte master key, not " + masterKey.length);
        }
        if (masterSalt.length != profile.masterSaltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.masterSaltLength()
                + "-byte master salt, not " + masterSalt.length);
        }
        if (profile.isAead() && !authenticateRtp) {
            throw new IllegalArgumentException("UNAUTHENTICATED_SRTP is not allowed with " + profile);
        }
        if (mki != null && mki.length > MAX_MKI_LENGTH) {
            throw new IllegalArgumentException("an MKI of " + mki.length + " bytes, more than " + MAX_MKI_LENGTH);
        }
        masterKey = masterKey.clone();
        masterSalt = masterSalt.clone();
        mki = mki == null || mki.length == 0 ? NO_MKI : mki.clone();
    }

    /**
     * A policy without MKI.
     *
     * @param profile         the crypto suite.
     * @param masterKey       the master key.
     * @param masterSalt      the master salt.
     * @param encryptRtp      see the record.
     * @param encryptRtcp     see the record.
     * @param authenticateRtp see the record.
     */
    public SrtpPolicy(final SrtpProfile profile, final byte[] masterKey, final byte[] masterSalt,
                      final boolean encryptRtp, final boolean encryptRtcp, final boolean authenticateRtp) {
        this(profile, masterKey, masterSalt, encryptRtp, encryptRtcp, authenticateRtp, NO_MKI);
    }

    /**
     * @param profile    the crypto suite.
     * @param masterKey  the master key.
     * @param masterSalt the master salt.
     * @return a policy that encrypts and authenticates everything (no SDES session parameters).
     */
    public static SrtpPolicy of(final SrtpProfile profile, final byte[] masterKey, final byte[] masterSalt) {
        return new SrtpPolicy(profile, masterKey, masterSalt, true, true, true);
    }

    /**
     * @param profile    the crypto suite.
     * @param keyAndSalt master key then master salt, concatenated, as in SDES {@code inline:} (RFC 4568 §6.1) and
     *                   in the DTLS-SRTP exporter's layout per side (RFC 5764 §4.2).
     * @return a policy that encrypts and authenticates everything.
     * @throws IllegalArgumentException if the length is not {@link SrtpProfile#keySaltLength()}.
     */
    public static SrtpPolicy ofKeyAndSalt(final SrtpProfile profile, final byte[] keyAndSalt) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(keyAndSalt, "keyAndSalt");
        if (keyAndSalt.length != profile.keySaltLength()) {
            throw new IllegalArgumentException(profile + " needs " + profile.keySaltLength()
                + " bytes of key and salt, not " + keyAndSalt.length);
        }
        final int keyLength = profile.masterKeyLength();
        return of(profile, Arrays.copyOfRange(keyAndSalt, 0, keyLength),
            Arrays.copyOfRange(keyAndSalt, keyLength, keyAndSalt.length));
    }

    /**
     * @param profile the crypto suite.
     * @param random  the source of key material (a {@link SecureRandom}).
     * @return a policy with a fresh random master key and salt, encrypting and authenticating everything.
     */
    public static SrtpPolicy random(final SrtpProfile profile, final SecureRandom random) {
        Objects.requireNonNull(profile, "profile");
        final byte[] keyAndSalt = new byte[profile.keySaltLength()];
        random.nextBytes(keyAndSalt);
        return ofKeyAndSalt(profile, keyAndSalt);
    }

    /**
     * @param encryptRtp      see the record.
     * @param encryptRtcp     see the record.
     * @param authenticateRtp see the record.
     * @return this policy's keys with these session parameters.
     */
    public SrtpPolicy withOptions(final boolean encryptRtp, final boolean encryptRtcp,
                                  final boolean authenticateRtp) {
        return new SrtpPolicy(profile, masterKey, masterSalt, encryptRtp, encryptRtcp, authenticateRtp, mki);
    }

    /**
     * @param newMki the MKI field the packets carry, empty for none (RFC 3711 §3.1).
     * @return this policy's keys and options with this MKI.
     * @throws IllegalArgumentException if longer than {@link #MAX_MKI_LENGTH}.
     */
    public SrtpPolicy withMki(final byte[] newMki) {
        return new SrtpPolicy(profile, masterKey, masterSalt, encryptRtp, encryptRtcp, authenticateRtp, newMki);
    }

    /**
     * @param value  the MKI as a number, as SDES writes it ({@code inline:...|<value>:<length>}, RFC 4568 §6.1).
     * @param length the MKI length in bytes, 1 to {@link #MAX_MKI_LENGTH} (0 for none).
     * @return this policy's keys and options with the MKI field that is {@code value} in {@code length} bytes,
     *         big-endian (network order), zero-padded on the left.
     * @throws IllegalArgumentException if the value is negative or does not fit in the length.
     */
    public SrtpPolicy withMki(final long value, final int length) {
        return withMki(mkiField(value, length));
    }

    /**
     * @param value  the MKI value.
     * @param length its length in bytes, 0 to {@link #MAX_MKI_LENGTH}.
     * @return the MKI field: {@code value} big-endian in {@code length} bytes.
     * @throws IllegalArgumentException if the value is negative or does not fit, or the length is out of range.
     */
    public static byte[] mkiField(final long value, final int length) {
        if (length < 0 || length > MAX_MKI_LENGTH) {
            throw new IllegalArgumentException("MKI length " + length + " outside 0.." + MAX_MKI_LENGTH);
        }
        if (value < 0 || length < Long.BYTES && value >>> (8 * length) != 0) {
            throw new IllegalArgumentException("MKI value " + value + " does not fit in " + length + " bytes");
        }
        final byte[] field = new byte[length];
        long v = value;
        for (int i = length - 1; i >= 0 && v != 0; i--) {
            field[i] = (byte) v;
            v >>>= 8;
        }
        return field;
    }

    /** @return a copy of the MKI field, empty when the packets carry none. */
    @Override
    public byte[] mki() {
        return mki.clone();
    }

    /** @return the MKI length in bytes, 0 without MKI. */
    public int mkiLength() {
        return mki.length;
    }

    /** @return a copy of the master key. */
    @Override
    public byte[] masterKey() {
        return masterKey.clone();
    }

    /** @return a copy of the master salt. */
    @Override
    public byte[] masterSalt() {
        return masterSalt.clone();
    }

    /** @return master key then master salt, as SDES {@code inline:} carries them (base64 of this). */
    public byte[] keyAndSalt() {
        final byte[] out = Arrays.copyOf(masterKey, masterKey.length + masterSalt.length);
        System.arraycopy(masterSalt, 0, out, masterKey.length, masterSalt.length);
        return out;
    }

    byte[] masterKeyRef() {
        return masterKey;
    }

    byte[] masterSaltRef() {
        return masterSalt;
    }

    byte[] mkiRef() {
        return mki;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof SrtpPolicy p && p.profile == profile && Arrays.equals(p.masterKey, masterKey)
            && Arrays.equals(p.masterSalt, masterSalt) && p.encryptRtp == encryptRtp
            && p.encryptRtcp == encryptRtcp && p.authenticateRtp == authenticateRtp && Arrays.equals(p.mki, mki);
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, Arrays.hashCode(masterKey), Arrays.hashCode(masterSalt), encryptRtp,
            encryptRtcp, authenticateRtp, Arrays.hashCode(mki));
    }

    /** @return the profile, options and MKI length; never the key material. */
    @Override
    public String toString() {
        return "SrtpPolicy[" + profile + (encryptRtp ? "" : " UNENCRYPTED_SRTP")
            + (encryptRtcp ? "" : " UNENCRYPTED_SRTCP") + (authenticateRtp ? "" : " UNAUTHENTICATED_SRTP")
            + (mki.length == 0 ? "" : " MKI " + mki.length + " bytes") + "]";
    }
}
