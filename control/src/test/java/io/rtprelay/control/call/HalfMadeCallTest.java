package io.rtprelay.control.call;

import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.rtprelay.control.testkit.RtpLoad.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Requests the live fuzzer (bench, io.rtprelay.bench.fuzz) found answered with an internal error or leaking ports,
 * replayed as the datagrams it sent: an offer refused half-way must leave no call, no party and no port behind, so
 * what follows it is answered as for a call never offered; a call made under an empty tag frees all its ports when
 * deleted. The relay fails the class when it answered any request with an internal error ({@link RtprelayTarget}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HalfMadeCallTest {
    private static final String SDP = "v=0\r\no=- 1545997027 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
        + "t=0 0\r\nm=audio 10330 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
    private static RtprelayTarget relay;
    private static NgClient ng;

    @BeforeAll
    static void start() {
        relay = RtprelayTarget.start();
        ng = new NgClient(relay.ngAddress());
    }

    @AfterAll
    static void stop() {
        ng.close();
        relay.close();
    }

    @Test
    void anAnswerAfterAnOfferRefusedForItsSecondInterfaceIsAnsweredAsForAnUnknownCall() {
        final int free = relay.daemon().media().ports().freePorts();
        final Map<String, Object> offer = ng.call(request("offer", "half-made-1", "from-tag", "ft0", "sdp", SDP,
            "direction", List.of("default", "nope")));
        assertEquals("Unknown interface 'nope'", text(offer.get("error-reason")), "offer: " + offer);

        final Map<String, Object> answer = ng.call(request("answer", "half-made-1", "from-tag", "ft0", "to-tag",
            "tt0", "sdp", SDP));

        assertEquals("error", text(answer.get("result")), "answer: " + answer);
        assertEquals("Unknown call-id", text(answer.get("error-reason")), "answer: " + answer);
        assertEquals("Unknown call-id", text(ng.call(request("query", "half-made-1")).get("error-reason")));
        assertEquals(free, relay.daemon().media().ports().freePorts(), "ports");
        assertEquals(0, relay.daemon().ngAdapter().internalErrors(), "internal errors");
    }

    @Test
    void aReOfferRefusedForItsInterfaceLeavesTheCallAsItWas() {
        final Map<String, Object> first = ng.call(request("offer", "half-made-2", "from-tag", "ft0", "sdp", SDP));
        assertEquals("ok", text(first.get("result")), "offer: " + first);
        final Map<String, Object> refused = ng.call(request("offer", "half-made-2", "from-tag", "ft1", "sdp", SDP,
            "direction", List.of("default", "nope")));
        assertEquals("Unknown interface 'nope'", text(refused.get("error-reason")), "re-offer: " + refused);

        final Map<String, Object> answer = ng.call(request("answer", "half-made-2", "from-tag", "ft1", "to-tag",
            "tt0", "sdp", SDP));

        assertEquals("Unknown call-id", text(answer.get("error-reason")), "no party ft1 was made: " + answer);
        assertEquals("ok", text(ng.call(request("answer", "half-made-2", "from-tag", "ft0", "to-tag", "tt0", "sdp",
            SDP)).get("result")), "the first offer is still answerable");
        ng.call(request("delete", "half-made-2", "delete-delay", 0L));
        assertEquals(0, relay.daemon().ngAdapter().internalErrors(), "internal errors");
    }

    @Test
    void aCallOfferedUnderAnEmptyFromTagGivesBackEveryPortWhenDeleted() {
        final int free = relay.daemon().media().ports().freePorts();
        assertEquals("ok", text(ng.call(request("offer", "half-made-3", "from-tag", "", "sdp", SDP)).get("result")));
        assertEquals("ok", text(ng.call(request("offer", "half-made-3", "from-tag", "", "sdp", SDP)).get("result")));

        assertEquals("ok", text(ng.call(request("delete", "half-made-3", "delete-delay", 0L)).get("result")));

        assertEquals(free, relay.daemon().media().ports().freePorts(), "ports back in the pool");
    }

    /** The largest delete delay is "linger for good", not "delete at the next sweep" (it used to overflow). */
    @Test
    void aCallDeletedWithTheLargestDeleteDelayLingersPastTheNextSweep() {
        assertEquals("ok", text(ng.call(request("offer", "half-made-4", "from-tag", "ft4", "sdp", SDP)).get("result")));
        assertEquals("ok", text(ng.call(request("delete", "half-made-4", "delete-delay", Long.MAX_VALUE))
            .get("result")));

        relay.daemon().conductor().sweep(System.nanoTime());

        assertEquals("ok", text(ng.call(request("query", "half-made-4")).get("result")), "still lingering");
        ng.call(request("delete", "half-made-4", "delete-delay", 0L));
        assertEquals("Unknown call-id", text(ng.call(request("query", "half-made-4")).get("error-reason")));
    }

    private static String text(final Object value) {
        return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
