package io.rtprelay.control.sdp;

import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpengineDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sends every offer/answer pair of the corpus to the real rtpengine and to our side, and requires the SDP each hands
 * on to be the same, line for line, after {@link SdpNormalizer}. Where we differ on purpose, the difference is named
 * here, asserted to be there, and taken out before the comparison.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SdpDifferentialTest {
    private static final String RUN = Long.toHexString(System.nanoTime());
    /** The suites the relay offers keys of its own for. */
    private static final Set<String> SUPPORTED_SUITES = supportedSuites();

    private static RtpengineDaemon rtpengine;
    private static NgClient ng;
    private static OurSide ours;

    private static Set<String> supportedSuites() {
        final Set<String> out = new java.util.HashSet<>();
        for (final SdesSuite s : SdesSuite.values()) {
            if (!s.name().startsWith("F8_")) {
                out.add(s.name());
            }
        }
        return out;
    }

    @BeforeAll
    static void startRtpengine() {
        rtpengine = RtpengineDaemon.start();
        ng = new NgClient(rtpengine.ngAddress());
        ours = new RelayOurSide();
    }

    @AfterAll
    static void stopRtpengine() {
        if (ng != null) {
            ng.close();
        }
        if (rtpengine != null) {
            rtpengine.close();
        }
        if (ours != null) {
            ours.close();
        }
    }

    static List<SdpCorpus.Case> corpus() {
        return SdpCorpus.load();
    }

    @Test
    void corpusHasAtLeastTwentyCases() {
        assertTrue(corpus().size() >= 20, "corpus size " + corpus().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void oursMatchesRtpengineForOfferAndAnswer(final SdpCorpus.Case c) {
        final String callId = "sdp-" + RUN + "-" + c.name();
        final String fromTag = "from-" + c.name();
        final String toTag = "to-" + c.name();

        final String theirOffer = sdpOf(ng.call(c.offerRequest(callId, fromTag)), "offer");
        final String ourOffer = ours.offer(c.offerRequest(callId, fromTag));
        compare(c, "offer", theirOffer, ourOffer);

        final String theirAnswer = sdpOf(ng.call(c.answerRequest(callId, fromTag, toTag)), "answer");
        final String ourAnswer = ours.answer(c.answerRequest(callId, fromTag, toTag));
        compare(c, "answer", theirAnswer, ourAnswer);

        final Map<String, Object> delete = Map.of("command", "delete", "call-id", callId, "delete-delay", 0L);
        ng.call(delete);
        ours.delete(delete);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void reOffersPassTheSessionVersionThroughUnchanged() {
        final SdpCorpus.Case c = corpus().getFirst();
        final String callId = "sdp-" + RUN + "-reoffer";
        final String offerOrigin = SdpNormalizer.lines(c.offerSdp()).get(1);
        final String bumpedOrigin = offerOrigin.replace(" 2353687637 ", " 2353687638 ");
        final List<String> sent = List.of(c.offerSdp(), c.offerSdp(),
            c.offerSdp().replace(offerOrigin, bumpedOrigin).replace("m=audio 6000 ", "m=audio 6002 "));
        ng.call(c.offerRequest(callId, "from-reoffer"));
        ours.offer(c.offerRequest(callId, "from-reoffer"));
        ng.call(c.answerRequest(callId, "from-reoffer", "to-reoffer"));
        ours.answer(c.answerRequest(callId, "from-reoffer", "to-reoffer"));
        for (final String sdp : sent) {
            final Map<String, Object> request = new SdpCorpus.Case(c.name(), sdp, c.answerSdp(), Map.of(), Map.of(),
                false).offerRequest(callId, "from-reoffer");
            final String theirs = sdpOf(ng.call(request), "re-offer");
            final String oursSdp = ours.offer(request);
            // rtpengine neither bumps nor rewrites the version, not even when its own ports changed: nor do we
            final String origin = SdpNormalizer.lines(sdp).get(1);
            assertEquals(origin, SdpNormalizer.lines(theirs).get(1), "rtpengine's o= line: " + theirs);
            assertEquals(origin, SdpNormalizer.lines(oursSdp).get(1), "our o= line: " + oursSdp);
            compare(c, "re-offer", theirs, oursSdp);
        }
    }

    private static String sdpOf(final Map<String, Object> reply, final String command) {
        assertEquals("ok", reply.get("result"), command + " failed: " + reply);
        return (String) reply.get("sdp");
    }

    private static void compare(final SdpCorpus.Case c, final String what, final String theirs, final String ours) {
        final String context = c.name() + " " + what + "\n--- rtpengine:\n" + theirs + "--- ours:\n" + ours;
        // deliberate: we end every line with CRLF (RFC 8866 §5); rtpengine keeps a bare LF on the lines it passes
        // through from an LF-only SDP and ends the lines it writes itself with CRLF
        assertFalse(SdpNormalizer.hasBareLf(ours), "ours has a bare LF: " + context);
        assertTrue(ours.endsWith("\r\n"), "ours does not end with CRLF: " + context);
        assertEquals(c.bareLf(), SdpNormalizer.hasBareLf(theirs), "rtpengine's line ends changed: " + context);

        final List<String> rawTheirs = SdpNormalizer.lines(theirs);
        final List<String> theirLines =
            new ArrayList<>(SdpNormalizer.normalize(theirs, SdpNormalizer.keysOf(c.offerSdp(), c.answerSdp())));
        final List<String> ourLines =
            SdpNormalizer.normalize(ours, SdpNormalizer.keysOf(c.offerSdp(), c.answerSdp()));
        // deliberate: rtpengine lists a host candidate on every interface it has (here also the other address
        // family's, at local preference 65534); we list only the media endpoint the caller gives us
        final boolean theyHadSecondary = rawTheirs.stream().anyMatch(SdpNormalizer::isSecondaryInterfaceCandidate);
        final List<String> removed = new ArrayList<>();
        for (int i = rawTheirs.size() - 1; i >= 0; i--) {
            if (SdpNormalizer.isSecondaryInterfaceCandidate(rawTheirs.get(i))) {
                removed.add(theirLines.remove(i));
            }
        }
        assertEquals(theyHadSecondary, !removed.isEmpty(), context);
        assertFalse(SdpNormalizer.lines(ours).stream().anyMatch(SdpNormalizer::isSecondaryInterfaceCandidate),
            "ours lists a secondary interface candidate: " + context);
        withoutDtlsOffer(theirLines, ourLines, context);
        withoutUnsupportedSuites(theirLines, context);

        assertEquals(String.join("\n", theirLines), String.join("\n", ourLines), context);
    }

    /**
     * Deliberate, until DTLS-SRTP is built: unless told {@code DTLS=off}, rtpengine offers DTLS-SRTP
     * ({@code a=setup:actpass} and its certificate's {@code a=fingerprint}, RFC 5763) next to SDES on every section
     * it offers SRTP on (SAVP, or keys over AVP); we offer SDES only.
     */
    private static void withoutDtlsOffer(final List<String> theirs, final List<String> ours, final String context) {
        assertFalse(ours.stream().anyMatch(l -> l.startsWith("a=fingerprint:") || l.startsWith("a=setup:")),
            "ours offers DTLS: " + context);
        boolean srtp = false;
        for (int i = 0; i < theirs.size(); i++) {
            final String line = theirs.get(i);
            if (line.startsWith("m=")) {
                srtp = line.split(" ")[2].contains("SAVP");
            } else if (line.startsWith("a=crypto:")) {
                srtp = true;
            } else if (line.equals("a=setup:actpass") || line.startsWith("a=fingerprint:")) {
                assertTrue(srtp, "rtpengine offers DTLS without SRTP: " + context);
                theirs.remove(i--);
            }
        }
    }

    /**
     * Deliberate, while the srtp module lacks a suite rtpengine offers (AES-f8, RFC 3711 §4.1.2): we offer no key of
     * our own for it, so the relay's later lines of the section carry tags lower by the number left out.
     */
    private static void withoutUnsupportedSuites(final List<String> theirs, final String context) {
        int left = 0;
        for (int i = 0; i < theirs.size(); i++) {
            final String line = theirs.get(i);
            if (line.startsWith("m=")) {
                left = 0;
            } else if (line.startsWith("a=crypto:") && line.contains("<key:")) {
                final String[] f = line.substring("a=crypto:".length()).split(" ", 2);
                if (!SUPPORTED_SUITES.contains(f[1].split(" ")[0])) {
                    theirs.remove(i--);
                    left++;
                } else if (left > 0) {
                    theirs.set(i, "a=crypto:" + (Integer.parseInt(f[0]) - left) + " " + f[1]);
                }
            }
        }
        assertTrue(left >= 0, context);
    }
}
