package io.rtprelay.control.sdp;

import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpengineDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sends every offer/answer pair of the corpus to the real rtpengine and to our side, and requires the SDP each hands
 * on to be the same, line for line, after {@link SdpNormalizer}. Where we differ on purpose, the difference is named
 * in {@link SdpComparison}, asserted to be there, and taken out before the comparison.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SdpDifferentialTest {
    private static final String RUN = Long.toHexString(System.nanoTime());

    private static RtpengineDaemon rtpengine;
    private static NgClient ng;
    private static OurSide ours;

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

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void reOffersApplyOnlyTheirOwnCodecFlags() {
        final SdpCorpus.Case c = corpus().stream().filter(k -> k.name().startsWith("63-")).findFirst().orElseThrow();
        final String callId = "sdp-" + RUN + "-reoffer-codecs";
        final List<Map<String, Object>> flags = List.of(
            Map.of("codec", Map.of("strip", List.of("PCMA"))), Map.of(),
            Map.of("codec", Map.of("strip", List.of("G722"))), Map.of("flags", List.of("codec-strip-all",
                "codec-except-G729")));
        for (final Map<String, Object> offerFlags : flags) {
            final SdpCorpus.Case step = new SdpCorpus.Case(c.name(), c.offerSdp(), c.answerSdp(), offerFlags, Map.of(),
                false);
            // rtpengine applies the codec flags of each offer to that offer and its answer only, nothing carries over
            compare(step, "re-offer " + offerFlags, sdpOf(ng.call(step.offerRequest(callId, "from-rc")), "re-offer"),
                ours.offer(step.offerRequest(callId, "from-rc")));
            compare(step, "re-answer " + offerFlags,
                sdpOf(ng.call(step.answerRequest(callId, "from-rc", "to-rc")), "re-answer"),
                ours.answer(step.answerRequest(callId, "from-rc", "to-rc")));
        }
        final Map<String, Object> delete = Map.of("command", "delete", "call-id", callId, "delete-delay", 0L);
        ng.call(delete);
        ours.delete(delete);
    }

    private static String sdpOf(final Map<String, Object> reply, final String command) {
        assertEquals("ok", reply.get("result"), command + " failed: " + reply);
        return (String) reply.get("sdp");
    }

    private static void compare(final SdpCorpus.Case c, final String what, final String theirs, final String ours) {
        SdpComparison.assertSame(c.name() + " " + what, c.bareLf(), SdpNormalizer.keysOf(c.offerSdp(), c.answerSdp()),
            new HashMap<>(), new HashMap<>(), theirs, ours);
    }
}
