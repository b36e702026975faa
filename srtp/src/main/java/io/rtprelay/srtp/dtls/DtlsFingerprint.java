package io.rtprelay.srtp.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A certificate fingerprint as SDP carries it: {@code a=fingerprint:<hash-func> <fingerprint>} (RFC 8122 §5, which
 * obsoletes RFC 4572), the hash function's textual name ({@code sha-1}, {@code sha-224}, {@code sha-256},
 * {@code sha-384}, {@code sha-512}) and the digest of the DER certificate, written as upper-case hex pairs joined by
 * colons ({@code AB:CD:...}).
 *
 * <p>{@link #parse(String)} reads the attribute's value, accepting the hash name in any case (RFC 8122 §5: the names
 * are case-insensitive) and lower-case hex too (senders are told to write upper case; receivers that refuse lower
 * case break calls for no gain). {@code md5} and {@code md2}, which RFC 4572 still listed, are refused: RFC 8122 §5
 * forbids them. Immutable, any thread; the control plane's type, not the packet path's.
 *
 * @param hash   the hash function's SDP name, lower case ({@link #SHA_256} ...).
 * @param digest the digest bytes, of that hash's length.
 */
public record DtlsFingerprint(String hash, byte[] digest) {
    /** The SDP name of SHA-1 (RFC 8122 §5). */
    public static final String SHA_1 = "sha-1";
    /** The SDP name of SHA-224. */
    public static final String SHA_224 = "sha-224";
    /** The SDP name of SHA-256, the one WebRTC uses (RFC 8827 §6.5). */
    public static final String SHA_256 = "sha-256";
    /** The SDP name of SHA-384. */
    public static final String SHA_384 = "sha-384";
    /** The SDP name of SHA-512. */
    public static final String SHA_512 = "sha-512";

    /** The longest value {@link #parse} reads: sha-512's 64 pairs and colons, a name and slack for blanks. */
    public static final int MAX_VALUE_LENGTH = 256;

    private static final String[] NAMES = {SHA_1, SHA_224, SHA_256, SHA_384, SHA_512};
    private static final String[] JCA_NAMES = {"SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512"};
    private static final int[] LENGTHS = {20, 28, 32, 48, 64};
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * Checks and copies.
     *
     * @throws IllegalArgumentException if the hash is not one of the five, or the digest is not its length.
     */
    public DtlsFingerprint {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(digest, "digest");
        final int index = indexOf(hash);
        if (index < 0) {
            throw new IllegalArgumentException("unsupported fingerprint hash function '" + hash + "'");
        }
        if (digest.length != LENGTHS[index]) {
            throw new IllegalArgumentException(hash + " fingerprint of " + digest.length + " bytes, not "
                + LENGTHS[index]);
        }
        hash = NAMES[index];
        digest = digest.clone();
    }

    /**
     * @param hash a hash function's SDP name, any case.
     * @return true if this class computes and parses it.
     */
    public static boolean isSupported(final String hash) {
        return hash != null && indexOf(hash) >= 0;
    }

    /**
     * @param hash        a hash function's SDP name, any case.
     * @param certificate the DER encoding of a certificate.
     * @return the fingerprint of that certificate with that hash.
     * @throws IllegalArgumentException if the hash is not supported.
     */
    public static DtlsFingerprint of(final String hash, final byte[] certificate) {
        Objects.requireNonNull(certificate, "certificate");
        final int index = hash == null ? -1 : indexOf(hash);
        if (index < 0) {
            throw new IllegalArgumentException("unsupported fingerprint hash function '" + hash + "'");
        }
        return new DtlsFingerprint(NAMES[index], digest(JCA_NAMES[index], certificate));
    }

    /**
     * Parses the value of an {@code a=fingerprint} attribute: {@code hash-func SP fingerprint}, the fingerprint
     * {@code 2HEX *(":" 2HEX)} (RFC 8122 §5). Blanks around the value and several blanks between its two parts are
     * tolerated.
     *
     * @param value the text after {@code a=fingerprint:}.
     * @return the fingerprint.
     * @throws IllegalArgumentException naming what is wrong: no value, too long, no hash or no fingerprint, an
     *                                  unsupported hash, a malformed hex pair or separator, or a digest whose length
     *                                  is not the hash's.
     */
    public static DtlsFingerprint parse(final String value) {
        if (value == null) {
            throw new IllegalArgumentException("no fingerprint value");
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("fingerprint value of " + value.length() + " characters, more than "
                + MAX_VALUE_LENGTH);
        }
        final String trimmed = value.strip();
        int blank = 0;
        while (blank < trimmed.length() && !isBlank(trimmed.charAt(blank))) {
            blank++;
        }
        if (trimmed.isEmpty() || blank == trimmed.length()) {
            throw new IllegalArgumentException("fingerprint value '" + value + "' is not '<hash-func> <fingerprint>'");
        }
        final String hash = trimmed.substring(0, blank);
        final int index = indexOf(hash);
        if (index < 0) {
            throw new IllegalArgumentException("unsupported fingerprint hash function '" + hash + "'");
        }
        int start = blank;
        while (start < trimmed.length() && isBlank(trimmed.charAt(start))) {
            start++;
        }
        return new DtlsFingerprint(NAMES[index], parseHex(trimmed, start, LENGTHS[index], NAMES[index]));
    }

    private static byte[] parseHex(final String s, final int start, final int expected, final String hash) {
        final int length = s.length() - start;
        if (length % 3 != 2) {
            throw new IllegalArgumentException(hash + " fingerprint '" + s.substring(start)
                + "' is not colon-separated hex pairs");
        }
        final int bytes = (length + 1) / 3;
        if (bytes != expected) {
            throw new IllegalArgumentException(hash + " fingerprint of " + bytes + " bytes, not " + expected);
        }
        final byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            final int at = start + 3 * i;
            final int hi = Character.digit(s.charAt(at), 16);
            final int lo = Character.digit(s.charAt(at + 1), 16);
            if (hi < 0 || lo < 0 || !isAsciiHex(s.charAt(at)) || !isAsciiHex(s.charAt(at + 1))) {
                throw new IllegalArgumentException(hash + " fingerprint has '" + s.substring(at, at + 2)
                    + "' at " + (at - start) + ", not a hex pair");
            }
            if (i + 1 < bytes && s.charAt(at + 2) != ':') {
                throw new IllegalArgumentException(hash + " fingerprint has '" + s.charAt(at + 2) + "' at "
                    + (at + 2 - start) + ", not ':'");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static boolean isAsciiHex(final char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static boolean isBlank(final char c) {
        return c == ' ' || c == '\t';
    }

    private static int indexOf(final String hash) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equalsIgnoreCase(hash)) {
                return i;
            }
        }
        return -1;
    }

    static byte[] digest(final String jcaName, final byte[] data) {
        try {
            return MessageDigest.getInstance(jcaName).digest(data);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + jcaName, e);
        }
    }

    /**
     * @param certificate the DER encoding of a certificate.
     * @return true if the certificate has this fingerprint (compared in constant time).
     */
    public boolean matches(final byte[] certificate) {
        return MessageDigest.isEqual(digest, digest(JCA_NAMES[indexOf(hash)], certificate));
    }

    /** @return a copy of the digest. */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** @return the fingerprint in SDP form, {@code AB:CD:...}, upper case. */
    public String hex() {
        final StringBuilder sb = new StringBuilder(digest.length * 3);
        for (int i = 0; i < digest.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(HEX[(digest[i] >> 4) & 0xF]).append(HEX[digest[i] & 0xF]);
        }
        return sb.toString();
    }

    /** @return the attribute value, {@code sha-256 AB:CD:...}, as {@link #parse} reads it. */
    public String toSdp() {
        return hash + ' ' + hex();
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof DtlsFingerprint f && f.hash.equals(hash) && Arrays.equals(f.digest, digest);
    }

    @Override
    public int hashCode() {
        return 31 * hash.hashCode() + Arrays.hashCode(digest);
    }

    /** @return {@link #toSdp()}: a fingerprint is public. */
    @Override
    public String toString() {
        return toSdp();
    }
}
