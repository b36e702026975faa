package io.rtprelay.control.sdp;

import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpengineDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SDES keys over the life of a call, against the real rtpengine: a sequence of offers, re-offers and answers goes
 * to both relays, and every SDP either hands on must match rtpengine's line for line, the relay's generated keys
 * numbered in order of first appearance over the whole call -- so the test sees which keys a relay keeps, renews or
 * hands on from one exchange to the next, not only their number and place.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SdesDifferentialTest {
    private static final String RUN = Long.toHexString(System.nanoTime());
    private static final String K1 = "/0NHmESoXwvqPd+99ihpv7fi8eMhbm4V4I0U/MWs";
    private static final String K2 = "LXScU3TH+2E5U/udgz7DtBulWEI/fms9DT9QM27k";
    private static final String K3 = "e3d+kQ9W4x7DomjPJcP3Kj8EZEMvj1pBH2EbcwW9";
    private static final String KG128 = "Ahest2/oiaP3otZmXCQok+pxz9A9Ut+yU3CxWA";
    /** Left out of the offers that should not grow the relay's list beyond six suites. */
    private static final List<String> SIX_SUITES = List.of("no-F8_128_HMAC_SHA1_80", "no-F8_128_HMAC_SHA1_32",
        "no-NULL_HMAC_SHA1_80", "no-NULL_HMAC_SHA1_32", "no-AES_192_CM_HMAC_SHA1_80", "no-AES_192_CM_HMAC_SHA1_32");

    private static RtpengineDaemon rtpengine;
    private static NgClient theirNg;
    private static RelayOurSide ours;

    /** One ng request of a call: an offer when {@code toTag} is null or {@code offer} is set, else an answer. */
    record Step(boolean offer, String fromTag, String toTag, String sdp, Map<String, Object> extras) {
        Map<String, Object> request(final String callId) {
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("command", offer ? "offer" : "answer");
            r.put("call-id", callId);
            r.put("from-tag", fromTag);
            if (toTag != null) {
                r.put("to-tag", toTag);
            }
            r.put("sdp", sdp);
            r.putAll(extras);
            return r;
        }
    }

    /** A named call. */
    record Scenario(String name, List<Step> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() {
        rtpengine = RtpengineDaemon.start();
        theirNg = new NgClient(rtpengine.ngAddress());
        ours = new RelayOurSide();
    }

    @AfterAll
    static void stop() {
        if (theirNg != null) {
            theirNg.close();
        }
        if (rtpengine != null) {
            rtpengine.close();
        }
        if (ours != null) {
            ours.close();
        }
    }

    static List<Scenario> scenarios() {
        final Map<String, Object> savp = Map.of("transport-protocol", "RTP/SAVP", "SDES", SIX_SUITES);
        final Map<String, Object> savpNo80 = Map.of("transport-protocol", "RTP/SAVP",
            "SDES", List.of("no-AES_CM_128_HMAC_SHA1_80"));
        final List<String> x80x32 = List.of("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K1,
            "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + K2);
        final Map<String, Object> keep = Map.of("SDES", List.of("no-F8_128_HMAC_SHA1_80", "no-F8_128_HMAC_SHA1_32",
            "no-NULL_HMAC_SHA1_80", "no-NULL_HMAC_SHA1_32", "no-AES_192_CM_HMAC_SHA1_80",
            "no-AES_192_CM_HMAC_SHA1_32", "no-AEAD_AES_256_GCM", "no-AES_256_CM_HMAC_SHA1_32"), "DTLS", "off");
        final Map<String, Object> toAvp = Map.of("transport-protocol", "RTP/AVP");
        return List.of(
            new Scenario("plain offerer: the relay's keys stay until answered, then only the chosen one", List.of(
                offer("RTP/AVP", List.of(), savp),
                offer("RTP/AVP", List.of(), savp),
                offer("RTP/AVP", List.of(), savpNo80),
                answer("RTP/SAVP", List.of("a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:" + K3)),
                offer("RTP/AVP", List.of(), savp),
                answer("RTP/SAVP", List.of("a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:" + K3)),
                offer("RTP/AVP", List.of(), savpNo80))),
            new Scenario("SRTP both sides: the offerer's keys handed on, the relay's own kept while chosen", List.of(
                offer("RTP/SAVP", x80x32, keep),
                offer("RTP/SAVP", List.of("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K3, x80x32.get(1)), keep),
                answer("RTP/SAVP", List.of("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K3)),
                offer("RTP/SAVP", x80x32, keep),
                answer("RTP/SAVP", List.of("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K3)),
                offer("RTP/SAVP", x80x32.reversed(), keep),
                answer("RTP/SAVP", List.of("a=crypto:3 AEAD_AES_128_GCM inline:" + KG128)),
                offer("RTP/SAVP", x80x32, keep),
                answer("RTP/SAVP", List.of("a=crypto:3 AEAD_AES_128_GCM inline:" + KG128)))),
            new Scenario("SRTP offerer, plain answerer: the relay's key towards the offerer lives while its tag does",
                List.of(
                    offer("RTP/SAVP", x80x32, toAvp),
                    answer("RTP/AVP", List.of()),
                    offer("RTP/SAVP", x80x32, toAvp),
                    answer("RTP/AVP", List.of()),
                    offer("RTP/SAVP", List.of("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K2), toAvp),
                    answer("RTP/AVP", List.of()),
                    offer("RTP/SAVP", List.of("a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:" + K2), toAvp),
                    answer("RTP/AVP", List.of()))),
            new Scenario("the SRTP answerer re-offers to the plain offerer, then the offerer re-offers", List.of(
                offer("RTP/AVP", List.of(), savp),
                answer("RTP/SAVP", List.of("a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:" + K3)),
                reverseOffer("RTP/SAVP", List.of("a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:" + K3), toAvp),
                reverseAnswer("RTP/AVP", List.of()),
                reverseOffer("RTP/SAVP", List.of("a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:" + K1,
                    "a=crypto:6 AEAD_AES_128_GCM inline:" + KG128), toAvp),
                reverseAnswer("RTP/AVP", List.of()),
                offer("RTP/AVP", List.of(), savp),
                answer("RTP/SAVP", List.of("a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:" + K3)))));
    }

    private static Step offer(final String protocol, final List<String> crypto, final Map<String, Object> extras) {
        return new Step(true, "a", null, sdp("192.0.2.60", 7600, protocol, crypto), extras);
    }

    private static Step answer(final String protocol, final List<String> crypto) {
        return new Step(false, "a", "b", sdp("198.51.100.60", 8600, protocol, crypto), Map.of());
    }

    private static Step reverseOffer(final String protocol, final List<String> crypto,
                                     final Map<String, Object> extras) {
        return new Step(true, "b", "a", sdp("198.51.100.60", 8600, protocol, crypto), extras);
    }

    private static Step reverseAnswer(final String protocol, final List<String> crypto) {
        return new Step(false, "b", "a", sdp("192.0.2.60", 7600, protocol, crypto), Map.of());
    }

    private static String sdp(final String address, final int port, final String protocol,
                              final List<String> crypto) {
        final List<String> lines = new ArrayList<>(List.of("v=0", "o=- 60 60 IN IP4 " + address, "s=-",
            "c=IN IP4 " + address, "t=0 0", "m=audio " + port + " " + protocol + " 0", "a=rtpmap:0 PCMU/8000"));
        lines.addAll(crypto);
        lines.add("a=sendrecv");
        return String.join("\r\n", lines) + "\r\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void keysOverTheCallFollowRtpengine(final Scenario scenario) {
        final String callId = "sdes-" + RUN + "-" + Integer.toHexString(scenario.name().hashCode());
        final List<String> sent = new ArrayList<>();
        for (final Step step : scenario.steps()) {
            sent.add(step.sdp());
        }
        final Set<String> known = SdpNormalizer.keysOf(sent.toArray(String[]::new));
        final Map<String, Integer> theirNames = new HashMap<>();
        final Map<String, Integer> ourNames = new HashMap<>();
        for (int i = 0; i < scenario.steps().size(); i++) {
            final Step step = scenario.steps().get(i);
            final Map<String, Object> theirReply = theirNg.call(step.request(callId));
            assertEquals("ok", theirReply.get("result"), () -> "rtpengine: " + theirReply);
            final Map<String, Object> request = step.request(callId);
            final String oursSdp = step.offer() ? ours.offer(request) : ours.answer(request);
            SdpComparison.assertSame(scenario.name() + ", step " + (i + 1), false, known, theirNames, ourNames,
                (String) theirReply.get("sdp"), oursSdp);
        }
        final Map<String, Object> delete = Map.of("command", "delete", "call-id", callId, "delete-delay", 0L);
        theirNg.call(delete);
        ours.delete(delete);
    }
}
