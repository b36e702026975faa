package io.rtprelay.srtp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The keying and options of one SRTP crypto context: a profile, its master key and master salt (RFC 3711 §8.1),
 * and the SDES session parameters {@code UNENCRYPTED_SRTP}, {@code UNENCRYPTED_SRTCP} and
 * {@code UNAUTHENTICATED_SRTP} (RFC 4568 §6.3.3) as the flags {@code encryptRtp=false}, {@code encryptRtcp=false}
 * and {@code authenticateRtp=false}. SRTCP is always authenticated (RFC 3711 §3.4).
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
 */
public record SrtpPolicy(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, boolean encryptRtp,
                         boolean encryptRtcp, boolean authenticateRtp) {

    /**
     * Checks and copies.
     *
     * @throws IllegalArgumentException if a length does not fit the profile, or an AEAD profile is asked not to
     *                                  authenticate.
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
        masterKey = masterKey.clone();
        masterSalt = masterSalt.clone();
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
        return new SrtpPolicy(profile, masterKey, masterSalt, encryptRtp, encryptRtcp, authenticateRtp);
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

    @Override
    public boolean equals(final Object o) {
        return o instanceof SrtpPolicy p && p.profile == profile && Arrays.equals(p.masterKey, masterKey)
            && Arrays.equals(p.masterSalt, masterSalt) && p.encryptRtp == encryptRtp
            && p.encryptRtcp == encryptRtcp && p.authenticateRtp == authenticateRtp;
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, Arrays.hashCode(masterKey), Arrays.hashCode(masterSalt), encryptRtp,
            encryptRtcp, authenticateRtp);
    }

    /** @return the profile and options; never the key material. */
    @Override
    public String toString() {
        return "SrtpPolicy[" + profile + (encryptRtp ? "" : " UNENCRYPTED_SRTP")
            + (encryptRtcp ? "" : " UNENCRYPTED_SRTCP") + (authenticateRtp ? "" : " UNAUTHENTICATED_SRTP") + "]";
    }
}
