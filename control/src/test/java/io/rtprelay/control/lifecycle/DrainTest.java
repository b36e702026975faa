package io.rtprelay.control.lifecycle;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.NatsServer;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RelayProcess;
import io.rtprelay.control.testkit.RtpLoad;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The graceful drain of a real relay process: SIGTERM while RTP flows on many calls, as Kubernetes stops a pod.
 * No packet of a live call is lost, a new call is refused as rtpengine refuses it at {@code max-sessions}, the
 * live calls are served (re-offer, query, delete) until they end, and the process exits 0 then, or at
 * {@code drain-timeout} with calls still up.
 */
@Timeout(90)
class DrainTest {
    private static final int CALLS = 20;
    private static final int PACKETS_PER_SECOND = 50;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String LOAD_LIMIT_REASON = "Parallel session limit reached";

    private final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    @Test
    void sigtermDrainsLiveCallsWithoutLossRefusesNewOnesAndExitsZeroAfterTheLast() throws Exception {
        final NatsServer nats = closer.track(NatsServer.start());
        final Connection client = Nats.connect(Options.builder().server(nats.url())
            .errorListener(new ErrorListener() { }).build());
        closer.track(client::close);
        final Subscription announcements = client.subscribe("rtprelay.capacity.drain-node");
        client.flush(WAIT);
        final RelayProcess relay = closer.track(RelayProcess.start("rtprelay-drain", "--nats-servers=" + nats.url(),
            "--node-id=drain-node", "--announce-interval=30", "--drain-timeout=60"));
        assertEquals("ready", state(announcements, Duration.ofSeconds(10)), "the announcement on connecting");

        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final RtpLoad load = closer.track(RtpLoad.establish(ng, "draining", CALLS));
        load.startSending(PACKETS_PER_SECOND, Duration.ofSeconds(40));
        load.awaitFlowing(10, WAIT);

        final long termNs = System.nanoTime();
        relay.sigterm();
        assertEquals("draining", state(announcements, Duration.ofSeconds(1)), "draining announced within 1 s");
        assertTrue(System.nanoTime() - termNs < Duration.ofSeconds(1).toNanos());

        final Map<String, Object> refused = ng.call(RtpLoad.request("offer", "a-new-call", "from-tag", "x",
            "sdp", RtpLoad.sdp(4000, 1), "supports", List.of("load limit")));
        assertEquals(Map.of("result", "load limit", "message", LOAD_LIMIT_REASON), refused);
        final Map<String, Object> refusedPlain = ng.call(RtpLoad.request("offer", "another-new-call",
            "from-tag", "x", "sdp", RtpLoad.sdp(4002, 1)));
        assertEquals(Map.of("result", "error", "error-reason", LOAD_LIMIT_REASON), refusedPlain);
        assertEquals("pong", ng.call(Map.of("command", "ping")).get("result"));
        assertEquals("ok", ng.call(load.reOffer(0)).get("result"), "a live call's re-offer is served");
        assertEquals("ok", ng.call(RtpLoad.request("query", load.callId(1))).get("result"));

        final long[] atTerm = new long[CALLS];
        for (int i = 0; i < CALLS; i++) {
            atTerm[i] = load.received(i, 0) + load.received(i, 1);
        }
        load.awaitFlowing(Math.max(load.received(0, 0), load.received(0, 1)) + PACKETS_PER_SECOND, WAIT);

        long delivered = 0;
        for (int i = 0; i < CALLS; i++) {
            load.stopSending(i);
            load.awaitDelivered(i, WAIT);
            assertEquals(load.sent(i, 0), load.received(i, 0), "call " + i + " A to B");
            assertEquals(load.sent(i, 1), load.received(i, 1), "call " + i + " B to A");
            assertTrue(load.received(i, 0) + load.received(i, 1) > atTerm[i] + PACKETS_PER_SECOND,
                "media went on while draining");
            delivered += load.received(i, 0) + load.received(i, 1);
            if (i == CALLS - 1) {
                assertTrue(relay.process().isAlive(), "the relay waits for its last call");
                assertEquals("pong", ng.call(Map.of("command", "ping")).get("result"));
            }
            final Map<String, Object> deleted = ng.call(RtpLoad.request("delete", load.callId(i), "from-tag", "a"));
            assertEquals("ok", deleted.get("result"), deleted.toString());
        }
        assertEquals(0, load.misrouted());
        assertTrue(delivered > CALLS * 2 * PACKETS_PER_SECOND, "packets relayed in all: " + delivered);

        assertEquals(0, relay.awaitExit(WAIT), "exit status once the last call is deleted");
        assertEquals("stopped", state(announcements, WAIT), "the relay's last announcement");
        final String log = relay.process().output();
        assertTrue(log.contains("the last call ended"), log);
    }

    @Test
    void drainTimeoutEndsTheProcessWithCallsStillUp() throws Exception {
        final RelayProcess relay = closer.track(RelayProcess.start("rtprelay-drain-timeout", "--drain-timeout=2"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final RtpLoad load = closer.track(RtpLoad.establish(ng, "lingering", 2));
        load.startSending(PACKETS_PER_SECOND, Duration.ofSeconds(20));
        load.awaitFlowing(10, WAIT);

        final long termNs = System.nanoTime();
        relay.sigterm();
        relay.process().awaitLine("draining (asked by SIGTERM)", WAIT);
        assertEquals("ok", ng.call(RtpLoad.request("query", load.callId(0))).get("result"), "the call is still up");
        final long before = load.received(1, 0);
        load.awaitFlowing(before + 10, WAIT);

        assertEquals(0, relay.awaitExit(Duration.ofSeconds(10)), "exit status at drain-timeout");
        final long elapsedMs = (System.nanoTime() - termNs) / 1_000_000;
        assertTrue(elapsedMs >= 1_900, "exited " + elapsedMs + " ms after SIGTERM, before drain-timeout=2");
        final String log = relay.process().output();
        assertTrue(log.contains("drain-timeout of 2 s reached with 2 live calls"), log);
    }

    private static String state(final Subscription announcements, final Duration timeout) throws Exception {
        final Message m = announcements.nextMessage(timeout);
        assertNotNull(m, "no announcement within " + timeout);
        final JsonValue report = JsonParser.parse(m.getData());
        return report.map.get("state").string;
    }
}
