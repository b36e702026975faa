package io.rtprelay.control.sdp;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One SDP security description, the value of an {@code a=crypto} attribute (RFC 4568 §9.1):
 * {@code <tag> <crypto-suite> inline:<key||salt base64>[|<lifetime>][|<MKI>:<length>] [<session params>]}.
 * Only the first key parameter is kept and of the session parameters only those rtpengine keeps
 * ({@code UNENCRYPTED_SRTP}, {@code UNENCRYPTED_SRTCP}, {@code UNAUTHENTICATED_SRTP}, RFC 4568 §6.3.2-6.3.4); the
 * others ({@code KDR}, {@code FEC_ORDER}, {@code WSH}, ...) are dropped, as rtpengine drops them. Immutable; its
 * {@link #toString()} leaves the key out, so that it can be logged.
 *
 * @param tag                 the tag, 1 to 999999999, which the answer repeats (RFC 4568 §5.1).
 * @param suite               the crypto suite.
 * @param keySalt             the master key followed by the master salt, {@link SdesSuite#keySaltLength()} bytes.
 * @param lifetime            the key lifetime as written ({@code 2^31}, {@code 1048576}), or null.
 * @param mki                 the master key identifier ({@code <value>:<length in bytes>}, RFC 4568 §6.1) as
 *                            rtpengine writes it back ({@link #parse}), or null.
 * @param unencryptedSrtp     {@code UNENCRYPTED_SRTP}: RTP payloads are not encrypted.
 * @param unencryptedSrtcp    {@code UNENCRYPTED_SRTCP}: RTCP payloads are not encrypted.
 * @param unauthenticatedSrtp {@code UNAUTHENTICATED_SRTP}: RTP packets carry no authentication tag.
 */
public record CryptoAttribute(int tag, SdesSuite suite, byte[] keySalt, String lifetime, String mki,
                              boolean unencryptedSrtp, boolean unencryptedSrtcp, boolean unauthenticatedSrtp) {
    /** The lifetime rtpengine writes for the {@code SDES-lifetime} flag. */
    public static final String RTPENGINE_LIFETIME = "2^31";
    /** The longest MKI rtpengine keeps: longer ones are refused, 256 reads as none. */
    public static final int MAX_MKI_LENGTH = 255;
    private static final long MAX_MKI_LENGTH_READ = 256;
    private static final int MAX_TAG = 999_999_999;
    private static final String INLINE = "inline:";
    private static final BigInteger MAX_UNSIGNED_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** Checks the parts and copies the key. */
    public CryptoAttribute {
        Objects.requireNonNull(suite, "suite");
        if (tag < 0 || tag > MAX_TAG) {
            throw new IllegalArgumentException("tag " + tag);
        }
        if (keySalt.length != suite.keySaltLength()) {
            throw new IllegalArgumentException(keySalt.length + " key bytes for " + suite);
        }
        keySalt = keySalt.clone();
    }

    /**
     * @param tag     the tag.
     * @param suite   the suite.
     * @param keySalt master key and salt.
     * @return a description without lifetime, MKI or session parameters.
     */
    public static CryptoAttribute of(final int tag, final SdesSuite suite, final byte[] keySalt) {
        return new CryptoAttribute(tag, suite, keySalt, null, null, false, false, false);
    }

    /**
     * Parses the value of an {@code a=crypto} line, as rtpengine accepts it.
     *
     * @param value what follows {@code a=crypto:}.
     * @return the description.
     * @throws SdpException naming what rtpengine too would refuse: an unknown suite, a key method other than
     *                      {@code inline}, a key that is not base64 of exactly the suite's length, a lifetime or MKI
     *                      that is not numeric, an MKI longer than 256 bytes.
     */
    public static CryptoAttribute parse(final String value) throws SdpException {
        final String[] fields = value.strip().split("[ \t]+");
        if (fields.length < 3) {
            throw new SdpException("a=crypto:" + value + ": tag, suite and key expected");
        }
        final int tag = tag(fields[0], value);
        final SdesSuite suite = SdesSuite.ofSdesName(fields[1]);
        if (suite == null) {
            throw new SdpException("a=crypto:" + tag + ": unknown crypto suite " + fields[1]);
        }
        String keyParam = fields[2];
        if (!keyParam.startsWith(INLINE)) {
            throw new SdpException("a=crypto:" + tag + ": key method other than inline");
        }
        final int semicolon = keyParam.indexOf(';');
        if (semicolon >= 0) {
            // RFC 4568 §9.1 allows several keys; like rtpengine we use the first
            keyParam = keyParam.substring(0, semicolon);
        }
        final String[] parts = keyParam.substring(INLINE.length()).split("\\|", -1);
        final byte[] keySalt = key(parts[0], suite, tag);
        String lifetime = null;
        String mki = null;
        boolean mkiSeen = false;
        for (int i = 1; i < parts.length; i++) {
            final String p = parts[i];
            if (p.indexOf(':') > 0 && !mkiSeen) {
                mki = mki(p, tag);
                mkiSeen = true;
            } else if (lifetime == null && !mkiSeen && p.matches("[0-9]{1,20}(\\^[0-9]{1,3})?")) {
                lifetime = p;
            } else {
                throw new SdpException("a=crypto:" + tag + ": invalid key lifetime");
            }
        }
        boolean unencryptedSrtp = false;
        boolean unencryptedSrtcp = false;
        boolean unauthenticatedSrtp = false;
        for (int i = 3; i < fields.length; i++) {
            switch (fields[i]) {
                case "UNENCRYPTED_SRTP" -> unencryptedSrtp = true;
                case "UNENCRYPTED_SRTCP" -> unencryptedSrtcp = true;
                case "UNAUTHENTICATED_SRTP" -> unauthenticatedSrtp = true;
                default -> {
                    // KDR, FEC_ORDER, FEC_KEY, WSH and unknown parameters: rtpengine drops them
                }
            }
        }
        return new CryptoAttribute(tag, suite, keySalt, lifetime, mki, unencryptedSrtp, unencryptedSrtcp,
            unauthenticatedSrtp);
    }

    /**
     * The MKI as rtpengine 10.5 reads and writes it back (observed): the value is read as an unsigned 64-bit number
     * (saturating), of which the low 32 bits are kept, and of those only as many bytes as the length when it is
     * shorter ({@code 300:1} becomes {@code 44:1}); a length of 0 or 256 means no MKI, a longer one refuses the line.
     */
    private static String mki(final String p, final int tag) throws SdpException {
        if (!p.matches("[0-9]+:[0-9]+")) {
            throw new SdpException("a=crypto:" + tag + ": invalid MKI");
        }
        final int colon = p.indexOf(':');
        final String lengthDigits = p.substring(colon + 1).replaceFirst("^0+(?=.)", "");
        final long length = lengthDigits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(lengthDigits);
        if (length > MAX_MKI_LENGTH_READ) {
            throw new SdpException("a=crypto:" + tag + ": invalid MKI length");
        }
        if (length == 0 || length == MAX_MKI_LENGTH_READ) {
            return null;
        }
        final BigInteger read = new BigInteger(p.substring(0, colon)).min(MAX_UNSIGNED_64);
        long value = read.longValue() & 0xffff_ffffL;
        if (length < Integer.BYTES) {
            value &= (1L << (8 * length)) - 1;
        }
        return value + ":" + length;
    }

    private static int tag(final String field, final String value) throws SdpException {
        if (!field.matches("[0-9]{1,9}")) {
            throw new SdpException("a=crypto:" + value + ": invalid tag");
        }
        return Integer.parseInt(field);
    }

    private static byte[] key(final String base64, final SdesSuite suite, final int tag) throws SdpException {
        final byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (final IllegalArgumentException e) {
            throw new SdpException("a=crypto:" + tag + ": invalid key parameter syntax");
        }
        if (key.length != suite.keySaltLength()) {
            throw new SdpException("a=crypto:" + tag + ": key of " + key.length + " bytes for " + suite);
        }
        return key;
    }

    /** @return a copy of the master key. */
    public byte[] masterKey() {
        return Arrays.copyOfRange(keySalt, 0, suite.masterKeyLength());
    }

    /** @return a copy of the master salt. */
    public byte[] masterSalt() {
        return Arrays.copyOfRange(keySalt, suite.masterKeyLength(), keySalt.length);
    }

    /** @return a copy of the master key followed by the master salt. */
    @Override
    public byte[] keySalt() {
        return keySalt.clone();
    }

    /** @return the MKI length in bytes that SRTP packets of this key carry (RFC 3711 §3.1), 0 without MKI. */
    public int mkiLength() {
        return mki == null ? 0 : Integer.parseInt(mki.substring(mki.indexOf(':') + 1));
    }

    /**
     * @return the MKI value (RFC 4568 §6.1), which the packets carry big-endian in {@link #mkiLength()} bytes; 0
     *         without MKI.
     */
    public long mkiValue() {
        return mki == null ? 0 : Long.parseLong(mki.substring(0, mki.indexOf(':')));
    }

    /**
     * @param newTag the tag.
     * @return a copy with it.
     */
    public CryptoAttribute withTag(final int newTag) {
        return new CryptoAttribute(newTag, suite, keySalt, lifetime, mki, unencryptedSrtp, unencryptedSrtcp,
            unauthenticatedSrtp);
    }

    /**
     * @param newLifetime the lifetime as written, or null for none.
     * @return a copy with it.
     */
    public CryptoAttribute withLifetime(final String newLifetime) {
        return new CryptoAttribute(tag, suite, keySalt, newLifetime, mki, unencryptedSrtp, unencryptedSrtcp,
            unauthenticatedSrtp);
    }

    /**
     * @param newMki the MKI as written, or null for none.
     * @return a copy with it.
     */
    public CryptoAttribute withMki(final String newMki) {
        return new CryptoAttribute(tag, suite, keySalt, lifetime, newMki, unencryptedSrtp, unencryptedSrtcp,
            unauthenticatedSrtp);
    }

    /**
     * @param srtp  {@code UNENCRYPTED_SRTP}.
     * @param srtcp {@code UNENCRYPTED_SRTCP}.
     * @param auth  {@code UNAUTHENTICATED_SRTP}.
     * @return a copy with these session parameters.
     */
    public CryptoAttribute withSessionParams(final boolean srtp, final boolean srtcp, final boolean auth) {
        return new CryptoAttribute(tag, suite, keySalt, lifetime, mki, srtp, srtcp, auth);
    }

    /**
     * @param other another description.
     * @return true when both carry the same suite and master key and salt.
     */
    public boolean sameKey(final CryptoAttribute other) {
        return other != null && suite == other.suite && Arrays.equals(keySalt, other.keySalt);
    }

    /**
     * @param other another description.
     * @return true when both key SRTP the same way: suite, key, MKI and session parameters (not tag or lifetime).
     */
    public boolean sameKeying(final CryptoAttribute other) {
        return sameKey(other) && Objects.equals(mki, other.mki) && unencryptedSrtp == other.unencryptedSrtp
            && unencryptedSrtcp == other.unencryptedSrtcp && unauthenticatedSrtp == other.unauthenticatedSrtp;
    }

    /**
     * @param pad true to keep base64's trailing {@code =} (rtpengine's {@code SDES-pad}); rtpengine leaves it out by
     *            default.
     * @return the attribute value, without {@code a=crypto:}.
     */
    public String toValue(final boolean pad) {
        final Base64.Encoder encoder = pad ? Base64.getEncoder() : Base64.getEncoder().withoutPadding();
        final StringBuilder out = new StringBuilder(96);
        out.append(tag).append(' ').append(suite.sdesName()).append(' ').append(INLINE)
            .append(encoder.encodeToString(keySalt));
        if (lifetime != null) {
            out.append('|').append(lifetime);
        }
        if (mki != null) {
            out.append('|').append(mki);
        }
        if (unencryptedSrtp) {
            out.append(" UNENCRYPTED_SRTP");
        }
        if (unencryptedSrtcp) {
            out.append(" UNENCRYPTED_SRTCP");
        }
        if (unauthenticatedSrtp) {
            out.append(" UNAUTHENTICATED_SRTP");
        }
        return out.toString();
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof CryptoAttribute c && tag == c.tag && sameKeying(c) && Objects.equals(lifetime, c.lifetime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tag, suite, Arrays.hashCode(keySalt), lifetime, mki);
    }

    @Override
    public String toString() {
        return "crypto " + tag + " " + suite + (mki != null ? " MKI " + mki : "")
            + (unencryptedSrtp ? " UNENCRYPTED_SRTP" : "") + (unencryptedSrtcp ? " UNENCRYPTED_SRTCP" : "")
            + (unauthenticatedSrtp ? " UNAUTHENTICATED_SRTP" : "");
    }
}
