package io.rtprelay.control.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares the SDP rtpengine hands on with ours, line for line after {@link SdpNormalizer}. Every deliberate
 * difference is named here, asserted to be there, and taken out of rtpengine's SDP before the comparison.
 */
final class SdpComparison {
    private static final Pattern PASSTHROUGH_CONNECTION_LF =
        Pattern.compile("(\r\nm=message [^\r\n]*/MSRP [^\r\n]*\r\nc=[^\r\n]*)\n");
    private SdpComparison() {
    }

    /**
     * @param what       what is compared, for the failure message.
     * @param bareLf     true when the SDP was sent with bare LF line ends.
     * @param known      keys the parties sent ({@link SdpNormalizer#keysOf}).
     * @param theirNames rtpengine's generated keys so far in this call ({@link SdpNormalizer#normalize}).
     * @param ourNames   our generated keys so far in this call.
     * @param theirs     rtpengine's SDP.
     * @param ours       our SDP.
     */
    static void assertSame(final String what, final boolean bareLf, final Set<String> known,
                           final Map<String, Integer> theirNames, final Map<String, Integer> ourNames,
                           String theirs, final String ours) {
        final String context = what + "\n--- rtpengine:\n" + theirs + "--- ours:\n" + ours;
        theirs = withCrlfAfterPassthroughConnection(theirs);
        // deliberate: we end every line with CRLF (RFC 8866 §5); rtpengine keeps a bare LF on the lines it passes
        // through from an LF-only SDP and ends the lines it writes itself with CRLF
        assertFalse(SdpNormalizer.hasBareLf(ours), "ours has a bare LF: " + context);
        assertTrue(ours.endsWith("\r\n"), "ours does not end with CRLF: " + context);
        assertEquals(bareLf, SdpNormalizer.hasBareLf(theirs), "rtpengine's line ends changed: " + context);

        final List<String> theirLines = new ArrayList<>(SdpNormalizer.lines(theirs));
        final List<String> ourLines = SdpNormalizer.lines(ours);
        withoutSecondaryInterfaces(theirLines, ourLines, context);
        withoutDtlsOffer(theirLines, ourLines, context);

        assertEquals(String.join("\n", SdpNormalizer.normalize(String.join("\n", theirLines), known, theirNames)),
            String.join("\n", SdpNormalizer.normalize(ours, known, ourNames)), context);
    }

    /**
     * Deliberate: rtpengine ends the {@code c=} line it writes into an MSRP section that inherited the session's
     * connection (so that the section keeps its address when the session's becomes the relay's) with a bare LF; we
     * end it with CRLF like every line.
     */
    private static String withCrlfAfterPassthroughConnection(final String theirs) {
        return PASSTHROUGH_CONNECTION_LF.matcher(theirs).replaceAll("$1\r\n");
    }

    /**
     * Deliberate: rtpengine lists a host candidate on every interface it has (here also the other address family's,
     * at local preference 65534); we list only the media endpoint the caller gives us.
     */
    private static void withoutSecondaryInterfaces(final List<String> theirs, final List<String> ours,
                                                   final String context) {
        assertFalse(ours.stream().anyMatch(SdpNormalizer::isSecondaryInterfaceCandidate),
            "ours lists a secondary interface candidate: " + context);
        theirs.removeIf(SdpNormalizer::isSecondaryInterfaceCandidate);
    }

    /**
     * Deliberate, until the relay offers DTLS-SRTP on every SRTP section: unless told {@code DTLS=off}, rtpengine
     * offers DTLS-SRTP ({@code a=setup:actpass} and its certificate's {@code a=fingerprint}, RFC 5763) next to SDES on
     * every section it offers SRTP on (SAVP, or keys over AVP); we offer it on {@code UDP/TLS/...} sections only
     * (compared like any line there) and SDES alone elsewhere. Answers to a DTLS offer ({@code a=setup:active}
     * or {@code passive} with a fingerprint) are compared like any line, the digest normalised.
     */
    private static void withoutDtlsOffer(final List<String> theirs, final List<String> ours, final String context) {
        // MSRP sections pass through untouched, their a=setup and a=fingerprint (RFC 4975 over TLS) with them
        boolean msrp = false;
        for (final String line : ours) {
            if (line.startsWith("m=")) {
                final String protocol = line.split(" ")[2];
                msrp = protocol.endsWith("/MSRP") || protocol.startsWith("UDP/TLS/");
            } else if (!msrp) {
                assertFalse(line.equals("a=setup:actpass"), "ours offers DTLS on a non-DTLS section: " + context);
            }
        }
        // section by section from the last, so that removing lines leaves the earlier sections' indices alone
        int end = theirs.size();
        for (int i = theirs.size() - 1; i >= 0; i--) {
            if (theirs.get(i).startsWith("m=")) {
                withoutDtlsOfferIn(theirs.subList(i, end), context);
                end = i;
            }
        }
    }

    private static void withoutDtlsOfferIn(final List<String> section, final String context) {
        final String protocol = section.getFirst().split(" ")[2];
        if (protocol.endsWith("/MSRP") || protocol.startsWith("UDP/TLS/") || !section.contains("a=setup:actpass")) {
            return;
        }
        assertTrue(section.getFirst().split(" ")[2].contains("SAVP")
                || section.stream().anyMatch(l -> l.startsWith("a=crypto:")),
            "rtpengine offers DTLS without SRTP: " + context);
        section.removeIf(l -> l.equals("a=setup:actpass") || l.startsWith("a=fingerprint:"));
    }
}
