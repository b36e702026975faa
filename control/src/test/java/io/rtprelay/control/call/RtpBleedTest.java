package io.rtprelay.control.call;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static io.rtprelay.control.testkit.RtpLoad.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RTP Bleed probe (Enable Security, 2017) against the relay's defaults: A and B talk through the relay, then a
 * third socket on A's host sends RTP with its own SSRC to the relay port that serves A, in the learning window right
 * after A's first packets and again after it. B's audio must keep reaching A, none the third socket.
 */
class RtpBleedTest {
    private final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    @Test
    @Timeout(30)
    void aThirdPartyNeverTakesTheAudioOfALiveCall() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start());
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        LearningScript.warmUp(ng);
        final LearningScript call = closer.track(new LearningScript(ng, "bleed"));
        call.establish(List.of());
        call.step("A", "A", 5);
        call.step("B", "B", 5);
        call.step("C in the window", "C", 20);
        for (int i = 0; i < 10; i++) {
            call.step("B after C in the window " + i, "B", 10);
        }
        final long windowOverNs = call.answeredNs() + 3_500_000_000L;
        while (System.nanoTime() - windowOverNs < 0) {
            call.step("A and B talk " + System.nanoTime(), "A", 1);
            call.step("B and A talk " + System.nanoTime(), "B", 1);
            LockSupport.parkNanos(20_000_000L);
        }
        call.step("C after the window", "C", 20);
        for (int i = 0; i < 10; i++) {
            call.step("B after C " + i, "B", 10);
        }
        for (final Map.Entry<String, String> step : call.steps().entrySet()) {
            // C's own packets reach B (rtpengine forwards them too); nothing ever reaches C
            assertFalse(step.getValue().contains("C<"), step.getKey() + ": " + step.getValue());
            if (step.getKey().startsWith("B")) {
                assertTrue(step.getValue().contains("A<B"), step.getKey() + ": " + step.getValue());
            }
        }
        final Map<String, Object> query = ng.call(request("query", "bleed"));
        assertEquals("ok", query.get("result"));
        assertEquals(40L, sum(query, "takeovers refused"), "each of C's packets counted as a refused takeover");
        assertEquals(0L, sum(query, "relatches"));
        call.delete();
    }

    private static long sum(final Object node, final String key) {
        long total = 0;
        if (node instanceof Map<?, ?> map) {
            for (final Map.Entry<?, ?> e : map.entrySet()) {
                total += key.equals(e.getKey()) && e.getValue() instanceof Long n ? n : sum(e.getValue(), key);
            }
        } else if (node instanceof List<?> list) {
            for (final Object o : list) {
                total += sum(o, key);
            }
        }
        return total;
    }
}
