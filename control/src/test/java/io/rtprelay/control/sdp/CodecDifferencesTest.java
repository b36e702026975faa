package io.rtprelay.control.sdp;

import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpengineDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codec and T.38 differences README lists under "Where we differ", each shown against the real rtpengine 10.5
 * daemon: Debian's build transcodes (it links ffmpeg and spandsp), so where a request needs transcoding or a T.38
 * gateway it writes SDP a relay without either cannot honour; we write what needs neither. Each test asserts
 * rtpengine's behaviour as well as ours, so that a change on either side is seen.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CodecDifferencesTest {
    private static final String RUN = Long.toHexString(System.nanoTime());
    private static final String PHONE = """
        v=0
        o=- 8100 8101 IN IP4 192.0.2.81
        s=-
        c=IN IP4 192.0.2.81
        t=0 0
        m=audio 8181 RTP/AVP 0 8 9 18 101
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        """;
    private static final String OPUS_AND_G711 = """
        v=0
        o=- 8200 8201 IN IP4 192.0.2.82
        s=-
        c=IN IP4 192.0.2.82
        t=0 0
        m=audio 8282 RTP/AVP 0 101 13 8 96
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=rtpmap:96 opus/48000/2
        """;
    private static final String T38 = """
        v=0
        o=- 8300 8301 IN IP4 192.0.2.83
        s=-
        c=IN IP4 192.0.2.83
        t=0 0
        m=image 8383 udptl t38
        a=T38FaxVersion:0
        a=T38MaxBitRate:14400
        """;

    private static RtpengineDaemon rtpengine;
    private static NgClient ng;
    private static RelayOurSide ours;
    private static int calls;

    @BeforeAll
    static void start() {
        rtpengine = RtpengineDaemon.start();
        ng = new NgClient(rtpengine.ngAddress());
        ours = new RelayOurSide();
    }

    @AfterAll
    static void stop() {
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

    @Test
    void transcodeAddsAnAbsentCodecOnlyOnRtpengine() {
        final Exchange e = exchange(PHONE, Map.of("codec", Map.of("transcode", List.of("GSM"))), answer("8"),
            Map.of());
        assertEquals("m=audio <port> RTP/AVP 0 8 9 18 3 101", e.theirOffer, "rtpengine adds GSM and will transcode");
        assertEquals("m=audio <port> RTP/AVP 0 8 9 18 101", e.ourOffer, "we add nothing we cannot transcode to");
    }

    @Test
    void alwaysTranscodeAnswersTheOfferersFirstCodecOnlyOnRtpengine() {
        final Exchange e = exchange(PHONE, Map.of("flags", List.of("always-transcode")), answer("8"), Map.of());
        assertEquals("m=audio <port> RTP/AVP 0 101", e.theirAnswer, "rtpengine transcodes PCMU to the answer's PCMA");
        assertEquals("m=audio <port> RTP/AVP 8", e.ourAnswer, "we hand the answerer's codec back");
    }

    @Test
    void consumeAnswersTheConsumedCodecOnlyOnRtpengine() {
        final Exchange e = exchange(PHONE, Map.of("codec", Map.of("consume", List.of("PCMA"))),
            answer("0 101", "a=rtpmap:101 telephone-event/8000"), Map.of());
        assertEquals(e.theirOffer, e.ourOffer, "consume takes the codec out of the offer on both sides");
        assertEquals("m=audio <port> RTP/AVP 8 101", e.theirAnswer, "rtpengine answers PCMA and transcodes");
        assertEquals("m=audio <port> RTP/AVP 0 101", e.ourAnswer, "we answer what the answerer chose, as for mask");
    }

    @Test
    void acceptAnswersAnAcceptedCodecOnlyOnRtpengine() {
        final Exchange e = exchange(PHONE, Map.of("codec", Map.of("accept", List.of("PCMU"))), answer("8"),
            Map.of());
        assertEquals("m=audio <port> RTP/AVP 0", e.theirAnswer, "rtpengine answers PCMU and transcodes");
        assertEquals("m=audio <port> RTP/AVP 8", e.ourAnswer);
    }

    @Test
    void anAnswerCodecThatWasStrippedIsTranscodedOnlyOnRtpengine() {
        final Exchange e = exchange(PHONE, Map.of("codec", Map.of("strip", List.of("PCMA"))), answer("8"), Map.of());
        assertEquals(e.theirOffer, e.ourOffer);
        assertEquals("m=audio <port> RTP/AVP 0", e.theirAnswer, "rtpengine answers its first offered codec");
        assertEquals("m=audio <port> RTP/AVP 8", e.ourAnswer, "we pass the answer on, as without codec flags");
    }

    @Test
    void supplementaryCodecsForAnotherClockRateAreAddedOnlyOnRtpengine() {
        final Exchange e = exchange(OPUS_AND_G711, Map.of("codec", Map.of("strip", List.of("CN"))),
            answer("0"), Map.of());
        assertEquals("m=audio <port> RTP/AVP 0 97 101 8 96", e.theirOffer,
            "rtpengine adds telephone-event/48000 for opus, to generate DTMF");
        assertEquals("m=audio <port> RTP/AVP 0 101 8 96", e.ourOffer);
    }

    @Test
    void aPtimeKeyDropsIlbcOnlyOnRtpengine() {
        final String ilbc = PHONE.replace("RTP/AVP 0 8 9 18 101", "RTP/AVP 98 9 0")
            .replace("a=rtpmap:18 G729/8000\na=fmtp:18 annexb=no\n", "a=rtpmap:98 iLBC/8000\na=fmtp:98 mode=30\n")
            .replace("a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\n", "");
        final Exchange e = exchange(ilbc, Map.of("ptime", 30L), null, Map.of());
        assertEquals("m=audio <port> RTP/AVP 9 0", e.theirOffer, "rtpengine's transcoding engine drops iLBC");
        assertEquals("m=audio <port> RTP/AVP 98 9 0", e.ourOffer, "we only write the ptime");
    }

    @Test
    void anAnswerOfOnlyDtmfAfterCodecFlagsIsEmptiedOnlyOnRtpengine() {
        final Exchange e = exchange(PHONE, Map.of("codec", Map.of("strip", List.of("G722"))),
            answer("101", "a=rtpmap:101 telephone-event/8000"), Map.of());
        assertEquals("m=audio <port> RTP/AVP ", e.theirAnswer, "rtpengine writes an m= line without formats");
        assertEquals("m=audio <port> RTP/AVP 101", e.ourAnswer, "we hand the answer on");
    }

    @Test
    void strippingEveryRegularCodecKeepsAllInsteadOfAnEmptyMediaLine() {
        final Exchange e = exchange(PHONE, Map.of("codec", Map.of("strip", List.of("PCMU", "PCMA", "G722", "G729"))),
            null, Map.of());
        assertEquals("m=audio <port> RTP/AVP ", e.theirOffer, "rtpengine writes an m= line without formats");
        assertEquals("m=audio <port> RTP/AVP 0 8 9 18 101", e.ourOffer, "we keep the offer's codecs");
    }

    @Test
    void t38DecodeAndForceNeedAGatewayOnlyRtpengineHas() {
        final Exchange decode = exchange(T38, Map.of("T.38", List.of("decode")), null, Map.of());
        assertEquals("m=audio <port> RTP/AVP 0 8", decode.theirOffer, "rtpengine gateways T.38 to G.711");
        assertEquals("m=image <port> udptl t38", decode.ourOffer, "we relay T.38 as it is");
        final Exchange force = exchange(PHONE, Map.of("T.38", List.of("force")), null, Map.of());
        assertEquals("m=image <port> udptl t38", force.theirOffer, "rtpengine gateways audio to T.38");
        assertEquals("m=audio <port> RTP/AVP 0 8 9 18 101", force.ourOffer);
    }

    @Test
    void rtpengineEndsTheConnectionItWritesIntoAnMsrpSectionWithABareLf() {
        final String msrp = """
            v=0
            o=- 8400 8401 IN IP4 192.0.2.84
            s=-
            c=IN IP4 192.0.2.84
            t=0 0
            m=audio 8484 RTP/AVP 0
            m=message 2855 TCP/MSRP *
            a=path:msrp://192.0.2.84:2855/abcd;tcp
            """;
        final String callId = "codec-diff-" + RUN + "-" + (++calls);
        final Map<String, Object> offer = offer(callId, msrp, Map.of());
        final String theirs = sdpOf(ng.call(offer));
        final String oursSdp = ours.offer(offer);
        assertTrue(theirs.contains("m=message 2855 TCP/MSRP *\r\nc=IN IP4 192.0.2.84\na=path:"), theirs);
        assertTrue(oursSdp.contains("m=message 2855 TCP/MSRP *\r\nc=IN IP4 192.0.2.84\r\na=path:"), oursSdp);
        delete(callId);
    }

    /** What both sides wrote, reduced to the first m= line with the port replaced. */
    private record Exchange(String theirOffer, String ourOffer, String theirAnswer, String ourAnswer) {
    }

    private static Exchange exchange(final String offerSdp, final Map<String, Object> offerKeys,
                                     final String answerSdp, final Map<String, Object> answerKeys) {
        final String callId = "codec-diff-" + RUN + "-" + (++calls);
        final Map<String, Object> offer = offer(callId, offerSdp, offerKeys);
        final String theirOffer = mLine(sdpOf(ng.call(offer)));
        final String ourOffer = mLine(ours.offer(offer));
        String theirAnswer = null;
        String ourAnswer = null;
        if (answerSdp != null) {
            final Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("command", "answer");
            answer.put("call-id", callId);
            answer.put("from-tag", "from");
            answer.put("to-tag", "to");
            answer.put("sdp", answerSdp);
            answer.putAll(answerKeys);
            theirAnswer = mLine(sdpOf(ng.call(answer)));
            ourAnswer = mLine(ours.answer(answer));
        }
        delete(callId);
        return new Exchange(theirOffer, ourOffer, theirAnswer, ourAnswer);
    }

    private static Map<String, Object> offer(final String callId, final String sdp, final Map<String, Object> keys) {
        final Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("command", "offer");
        offer.put("call-id", callId);
        offer.put("from-tag", "from");
        offer.put("sdp", sdp.replace("\n", "\r\n"));
        offer.putAll(keys);
        return offer;
    }

    private static void delete(final String callId) {
        final Map<String, Object> delete = Map.of("command", "delete", "call-id", callId, "delete-delay", 0L);
        ng.call(delete);
        ours.delete(delete);
    }

    private static String answer(final String formats, final String... attributes) {
        final StringBuilder sdp = new StringBuilder("""
            v=0
            o=- 9100 9101 IN IP4 198.51.100.91
            s=-
            c=IN IP4 198.51.100.91
            t=0 0
            """).append("m=audio 9191 RTP/AVP ").append(formats).append('\n');
        for (final String a : attributes) {
            sdp.append(a).append('\n');
        }
        return sdp.toString().replace("\n", "\r\n");
    }

    private static String sdpOf(final Map<String, Object> reply) {
        assertEquals("ok", reply.get("result"), () -> "rtpengine replied " + reply);
        return (String)reply.get("sdp");
    }

    private static String mLine(final String sdp) {
        for (final String line : sdp.split("\r\n", -1)) {
            if (line.startsWith("m=")) {
                final String[] f = line.split(" ", 3);
                assertFalse(f.length < 3, line);
                return f[0] + " <port> " + f[2];
            }
        }
        throw new AssertionError("no m= line in " + sdp);
    }
}
