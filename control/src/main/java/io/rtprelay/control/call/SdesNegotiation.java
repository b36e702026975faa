package io.rtprelay.control.call;

import io.rtprelay.control.sdp.CryptoAttribute;
import io.rtprelay.control.sdp.MediaDescription;
import io.rtprelay.control.sdp.SdesSuite;
import io.rtprelay.control.sdp.SdpException;
import io.rtprelay.control.sdp.SdpLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * SDP security descriptions (RFC 4568) in offer/answer, as rtpengine 10.5 negotiates them for one media section
 * between the offering party X and the answering party Y. The relay terminates SRTP on each side: what it receives
 * from a party it unprotects with that party's key, what it sends to a party it protects with its own key towards
 * that party; where both are the same key (rtpengine hands X's keys on to Y), packets pass untouched.
 *
 * <h2>Offer, X to Y</h2>
 * The relay offers keys to Y when it speaks SRTP to Y ({@code RTP/SAVP}, {@code RTP/SAVPF}), or when X offered keys
 * (even over {@code RTP/AVP}) and no {@code transport-protocol} says otherwise, unless {@code SDES-off}. The lines,
 * in order:
 * <ol>
 *   <li>X's usable lines in X's order with X's tags, keys, MKIs and session parameters (changed by the SDES
 *       flags), lifetime dropped;</li>
 *   <li>the relay's own keys towards Y still held from an earlier offer (all of them until Y answers, then only
 *       the one Y chose), with their tags, unless the suite is already listed;</li>
 *   <li>a fresh key for every other suite the relay supports, in rtpengine's order ({@link SdesSuite}), tags
 *       counting on from the highest so far.</li>
 * </ol>
 * {@code no-<suite>} and {@code only-<suite>} filter X's lines and the fresh ones (not the held ones).
 *
 * <h2>Answer, Y to X</h2>
 * Y's first line that names a tag and suite the relay offered (else the suite alone) is Y's key; the relay's line
 * with that tag is its key towards Y. X gets a line when X offered keys and either X speaks SRTP or Y answered with
 * a key: Y's own line when Y chose one of X's keys (so both directions can pass through), else X's first usable line
 * (even one {@code no-} removed) with the relay's key towards X -- kept from the previous answer when tag and suite
 * are the same, else fresh -- with X's session parameters and without MKI. The answer's SDES flags can take session
 * parameters away from that line ({@code encrypted_srtp}, ...), not add them, and {@code SDES-off} in an answer
 * changes nothing.
 *
 * <p>rtpengine never fails an offer or answer over SDES: unusable lines are ignored (and logged), an SRTP offer
 * without keys is answered without keys. A side that speaks SRTP but ends up without a key of its own
 * ({@link MediaSession#srtpWithoutKey}: its SDP said SAVP and offered or chose none) never gets plain RTP and nothing
 * it sends is forwarded, as with rtpengine; towards such an answerer the relay protects with its first offered key,
 * as rtpengine does.
 *
 * <p>Control thread only; keys come from one {@link SecureRandom}.
 */
final class SdesNegotiation {
    private static final Logger LOG = LoggerFactory.getLogger(SdesNegotiation.class);

    private final Set<SdesSuite> ownSuites;
    private final SecureRandom random;

    /**
     * @param ownSuites the suites the relay can apply to packets, so may offer keys of its own for.
     * @param random    where keys come from.
     */
    SdesNegotiation(final Set<SdesSuite> ownSuites, final SecureRandom random) {
        this.ownSuites = ownSuites.isEmpty() ? EnumSet.noneOf(SdesSuite.class) : EnumSet.copyOf(ownSuites);
        this.random = random;
    }

    /**
     * @param protocol a transport protocol from an m= line or the {@code transport-protocol} key.
     * @return true for SRTP: {@code RTP/SAVP}, {@code RTP/SAVPF} and their DTLS variants.
     */
    static boolean isSrtp(final String protocol) {
        return protocol != null && protocol.contains("SAVP");
    }

    /**
     * @param m a media section.
     * @return its {@code a=crypto} lines that rtpengine too would use, in order; the others are logged.
     */
    static List<CryptoAttribute> usableCrypto(final MediaDescription m) {
        final List<CryptoAttribute> out = new ArrayList<>();
        for (final SdpLine line : m.lines()) {
            if (line.isAttribute("crypto")) {
                try {
                    out.add(CryptoAttribute.parse(line.attributeValue() == null ? "" : line.attributeValue()));
                } catch (final SdpException e) {
                    LOG.warn("Failed to parse a=crypto attribute, ignoring: {}", e.getMessage());
                }
            }
        }
        return out;
    }

    /**
     * Handles one section of an offer from X to Y.
     *
     * @param x           X's view of the section.
     * @param y           Y's view of the section.
     * @param m           the section as X sent it.
     * @param outProtocol the {@code transport-protocol} the relay is told to speak to Y, or null to speak X's.
     * @param flags       the offer's SDES options.
     * @return the {@code a=crypto} lines for Y, empty for none.
     */
    List<CryptoAttribute> offer(final MediaSession x, final MediaSession y, final MediaDescription m,
                                final String outProtocol, final SdesFlags flags) {
        x.cryptoOffered = usableCrypto(m);
        final boolean sdes = outProtocol != null ? isSrtp(outProtocol)
            : isSrtp(m.protocol()) || !x.cryptoOffered.isEmpty();
        if (flags.off() || !sdes) {
            y.relayCrypto = List.of();
            return List.of();
        }
        final List<CryptoAttribute> lines = new ArrayList<>();
        final Set<SdesSuite> listed = EnumSet.noneOf(SdesSuite.class);
        for (final CryptoAttribute c : x.cryptoOffered) {
            if (flags.allows(c.suite()) && listed.add(c.suite())) {
                lines.add(withParams(c, flags));
            }
        }
        final List<CryptoAttribute> own = new ArrayList<>();
        for (final CryptoAttribute c : y.relayOwnCrypto) {
            if (listed.add(c.suite())) {
                final CryptoAttribute held = tagTaken(lines, c.tag()) ? c.withTag(maxTag(lines) + 1) : c;
                lines.add(held);
                own.add(held);
            }
        }
        if (!flags.noNew()) {
            for (final SdesSuite suite : SdesSuite.values()) {
                if (ownSuites.contains(suite) && flags.allows(suite) && listed.add(suite)) {
                    final CryptoAttribute fresh = withParams(CryptoAttribute.of(maxTag(lines) + 1, suite, key(suite)),
                        flags);
                    lines.add(fresh);
                    own.add(fresh);
                }
            }
        }
        y.relayOwnCrypto = List.copyOf(own);
        y.relayCrypto = List.copyOf(lines);
        return written(lines, flags);
    }

    /**
     * Handles one section of an answer from Y to X: settles the keys of both sides ({@link MediaSession#partyKey},
     * {@link MediaSession#relayKey}).
     *
     * @param y     Y's view of the section.
     * @param x     X's view of the section.
     * @param m     the section as Y answered it.
     * @param flags the answer's SDES options.
     * @return the {@code a=crypto} lines for X: one or none.
     */
    List<CryptoAttribute> answer(final MediaSession y, final MediaSession x, final MediaDescription m,
                                 final SdesFlags flags) {
        final List<CryptoAttribute> answered = usableCrypto(m);
        y.cryptoOffered = answered;
        CryptoAttribute yKey = null;
        CryptoAttribute towardsY = null;
        for (int pass = 0; pass < 2 && towardsY == null; pass++) {
            for (final CryptoAttribute c : answered) {
                towardsY = relayLine(y.relayCrypto, c, pass == 0);
                if (towardsY != null) {
                    yKey = c;
                    break;
                }
            }
        }
        if (yKey == null && !answered.isEmpty()) {
            yKey = answered.getFirst();
        }
        y.partyKey = yKey;
        y.relayKey = towardsY;
        y.srtpWithoutKey = isSrtp(m.protocol()) && yKey == null;
        if (towardsY != null) {
            y.relayCrypto = List.of(towardsY);
            y.relayOwnCrypto = y.relayOwnCrypto.contains(towardsY) ? List.of(towardsY) : List.of();
        } else if (y.srtpWithoutKey && !y.relayCrypto.isEmpty()) {
            // like rtpengine: towards an SRTP answerer that chose no key, the relay's first offered key
            y.relayKey = y.relayCrypto.getFirst();
        }
        x.srtpWithoutKey = false;
        if (x.cryptoOffered.isEmpty() || (!isSrtp(x.protocol) && yKey == null)) {
            x.partyKey = null;
            x.relayKey = null;
            x.relayCrypto = List.of();
            x.relayOwnCrypto = List.of();
            x.srtpWithoutKey = isSrtp(x.protocol);
            return List.of();
        }
        final CryptoAttribute passedOn = towardsY == null ? null : lineOf(x.cryptoOffered, towardsY);
        final CryptoAttribute towardsX;
        if (passedOn != null) {
            towardsX = answerParams(yKey.withLifetime(null), flags);
            x.partyKey = passedOn;
            x.relayOwnCrypto = List.of();
        } else {
            final CryptoAttribute first = x.cryptoOffered.getFirst();
            final CryptoAttribute previous = x.relayOwnCrypto.isEmpty() ? null : x.relayOwnCrypto.getFirst();
            final byte[] key = previous != null && previous.tag() == first.tag() && previous.suite() == first.suite()
                ? previous.keySalt() : key(first.suite());
            towardsX = answerParams(CryptoAttribute.of(first.tag(), first.suite(), key)
                .withSessionParams(first.unencryptedSrtp(), first.unencryptedSrtcp(), first.unauthenticatedSrtp()),
                flags);
            x.partyKey = first;
            x.relayOwnCrypto = List.of(towardsX);
        }
        x.relayKey = towardsX;
        x.relayCrypto = List.of(towardsX);
        return written(List.of(towardsX), flags);
    }

    /** The relay's line that answers c: same tag and suite, or (not strict) the same suite. */
    private static CryptoAttribute relayLine(final List<CryptoAttribute> offered, final CryptoAttribute c,
                                             final boolean strict) {
        for (final CryptoAttribute r : offered) {
            if (r.suite() == c.suite() && (!strict || r.tag() == c.tag())) {
                return r;
            }
        }
        return null;
    }

    /** X's own line that the relay handed on as line r, or null when r is one of the relay's keys. */
    private static CryptoAttribute lineOf(final List<CryptoAttribute> xLines, final CryptoAttribute r) {
        for (final CryptoAttribute c : xLines) {
            if (c.tag() == r.tag() && c.sameKey(r)) {
                return c;
            }
        }
        return null;
    }

    private static CryptoAttribute withParams(final CryptoAttribute c, final SdesFlags flags) {
        return c.withLifetime(null).withSessionParams(
            flags.unencryptedSrtp() != null ? flags.unencryptedSrtp() : c.unencryptedSrtp(),
            flags.unencryptedSrtcp() != null ? flags.unencryptedSrtcp() : c.unencryptedSrtcp(),
            flags.unauthenticatedSrtp() != null ? flags.unauthenticatedSrtp() : c.unauthenticatedSrtp());
    }

    /** In an answer the flags can only take a session parameter away (RFC 4568 §6.3: the offer's are declarative). */
    private static CryptoAttribute answerParams(final CryptoAttribute c, final SdesFlags flags) {
        return c.withSessionParams(c.unencryptedSrtp() && !Boolean.FALSE.equals(flags.unencryptedSrtp()),
            c.unencryptedSrtcp() && !Boolean.FALSE.equals(flags.unencryptedSrtcp()),
            c.unauthenticatedSrtp() && !Boolean.FALSE.equals(flags.unauthenticatedSrtp()));
    }

    private static List<CryptoAttribute> written(final List<CryptoAttribute> lines, final SdesFlags flags) {
        if (!flags.lifetime()) {
            return List.copyOf(lines);
        }
        final List<CryptoAttribute> out = new ArrayList<>(lines.size());
        for (final CryptoAttribute c : lines) {
            out.add(c.withLifetime(flags.lifetimeValue()));
        }
        return out;
    }

    private static boolean tagTaken(final List<CryptoAttribute> lines, final int tag) {
        for (final CryptoAttribute c : lines) {
            if (c.tag() == tag) {
                return true;
            }
        }
        return false;
    }

    private static int maxTag(final List<CryptoAttribute> lines) {
        int max = 0;
        for (final CryptoAttribute c : lines) {
            max = Math.max(max, c.tag());
        }
        return max;
    }

    private byte[] key(final SdesSuite suite) {
        final byte[] key = new byte[suite.keySaltLength()];
        random.nextBytes(key);
        return key;
    }
}
