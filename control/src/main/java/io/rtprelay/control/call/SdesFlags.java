package io.rtprelay.control.call;

import io.rtprelay.control.ng.NgException;
import io.rtprelay.control.ng.NgRequest;
import io.rtprelay.control.sdp.CryptoAttribute;
import io.rtprelay.control.sdp.SdesSuite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * rtpengine's SDES options of one ng request: the {@code SDES} list and the {@code SDES-...} entries of the
 * {@code flags} list (docs/ng_control_protocol.md, "SDES"). Immutable; control thread.
 *
 * @param off                 {@code off}, {@code no}, {@code disable}: no {@code a=crypto} towards the recipient.
 * @param excluded            {@code no-<suite>}: suites left out of the offer, the sender's as well as the relay's.
 * @param only                {@code only-<suite>}: when not empty, the only suites offered (it overrides
 *                            {@code no-}). rtpengine 10.5 does not know it yet and ignores it with a warning; we
 *                            implement it as rtpengine's documentation describes it.
 * @param noNew               {@code nonew}: the relay adds no suites of its own (documented, not in 10.5).
 * @param unencryptedSrtp     {@code unencrypted_srtp} true, {@code encrypted_srtp} false, null to copy the sender's.
 * @param unencryptedSrtcp    {@code unencrypted_srtcp} true, {@code encrypted_srtcp} false, null to copy.
 * @param unauthenticatedSrtp {@code unauthenticated_srtp} true, {@code authenticated_srtp} false, null to copy.
 * @param pad                 {@code pad}: keys keep base64's trailing {@code =}.
 * @param lifetime            {@code lifetime}: every key gets the lifetime {@code 2^31}.
 */
record SdesFlags(boolean off, Set<SdesSuite> excluded, Set<SdesSuite> only, boolean noNew, Boolean unencryptedSrtp,
                 Boolean unencryptedSrtcp, Boolean unauthenticatedSrtp, boolean pad, boolean lifetime) {
    private static final Logger LOG = LoggerFactory.getLogger(SdesFlags.class);
    private static final SdesFlags NONE =
        new SdesFlags(false, Set.of(), Set.of(), false, null, null, null, false, false);

    SdesFlags {
        excluded = Set.copyOf(excluded);
        only = Set.copyOf(only);
    }

    /** @return no SDES option at all. */
    static SdesFlags none() {
        return NONE;
    }

    /**
     * @param request the ng request.
     * @return its SDES options; unknown ones are logged and ignored, as rtpengine does.
     * @throws NgException when {@code SDES} is neither a list nor a string.
     */
    static SdesFlags of(final NgRequest request) throws NgException {
        return of(request.strings("SDES"));
    }

    static SdesFlags of(final List<String> values) {
        boolean off = false;
        boolean noNew = false;
        boolean pad = false;
        boolean lifetime = false;
        Boolean unencryptedSrtp = null;
        Boolean unencryptedSrtcp = null;
        Boolean unauthenticatedSrtp = null;
        final Set<SdesSuite> excluded = EnumSet.noneOf(SdesSuite.class);
        final Set<SdesSuite> only = EnumSet.noneOf(SdesSuite.class);
        for (final String value : values) {
            final String v = value.toLowerCase(Locale.ROOT).replace('-', '_');
            switch (v) {
                case "off", "no", "disable" -> off = true;
                case "nonew" -> noNew = true;
                case "pad" -> pad = true;
                case "lifetime" -> lifetime = true;
                case "unencrypted_srtp" -> unencryptedSrtp = Boolean.TRUE;
                case "encrypted_srtp" -> unencryptedSrtp = Boolean.FALSE;
                case "unencrypted_srtcp" -> unencryptedSrtcp = Boolean.TRUE;
                case "encrypted_srtcp" -> unencryptedSrtcp = Boolean.FALSE;
                case "unauthenticated_srtp" -> unauthenticatedSrtp = Boolean.TRUE;
                case "authenticated_srtp" -> unauthenticatedSrtp = Boolean.FALSE;
                default -> {
                    if (!suite(value, "no", excluded) && !suite(value, "only", only)) {
                        LOG.warn("Unknown 'SDES' flag encountered: '{}'", value);
                    }
                }
            }
        }
        return new SdesFlags(off, excluded, only, noNew, unencryptedSrtp, unencryptedSrtcp, unauthenticatedSrtp, pad,
            lifetime);
    }

    /** Adds the suite of {@code <prefix>-<suite>} to the set; false when the value is not of that form. */
    private static boolean suite(final String value, final String prefix, final Set<SdesSuite> into) {
        if (value.length() <= prefix.length() + 1 || !value.regionMatches(true, 0, prefix, 0, prefix.length())
            || (value.charAt(prefix.length()) != '-' && value.charAt(prefix.length()) != '_')) {
            return false;
        }
        final SdesSuite suite = SdesSuite.ofSdesName(value.substring(prefix.length() + 1));
        if (suite == null) {
            return false;
        }
        into.add(suite);
        return true;
    }

    /**
     * @param suite a crypto suite.
     * @return whether it may appear in the offer towards the recipient.
     */
    boolean allows(final SdesSuite suite) {
        return only.isEmpty() ? !excluded.contains(suite) : only.contains(suite);
    }

    /** @return the {@code 2^31} lifetime when {@code lifetime} is set, else null (rtpengine drops the sender's). */
    String lifetimeValue() {
        return lifetime ? CryptoAttribute.RTPENGINE_LIFETIME : null;
    }
}
