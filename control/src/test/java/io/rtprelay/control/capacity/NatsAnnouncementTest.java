package io.rtprelay.control.capacity;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import io.rtprelay.control.lifecycle.RelayVersion;
import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.NatsServer;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpLoad;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's NATS side against a real nats-server: what a capacity announcement says and how often, discovery
 * through the NATS micro service protocol ({@code $SRV.PING}, {@code INFO}, {@code STATS}), the capacity and drain
 * endpoints, and announcements resuming by themselves after the NATS server restarts.
 */
@Timeout(60)
class NatsAnnouncementTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Closer closer = new Closer();
    private NatsServer nats;
    private Connection client;
    private String nodeId;

    @BeforeEach
    void startNats() throws Exception {
        nats = closer.track(NatsServer.start());
        client = Nats.connect(Options.builder().server(nats.url()).maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(200)).errorListener(new ErrorListener() { }).build());
        closer.track(client::close);
        nodeId = "node-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    private RtprelayTarget relay(final String... extra) {
        final List<String> args = new ArrayList<>(List.of("--nats-servers=" + nats.url(), "--node-id=" + nodeId));
        args.addAll(List.of(extra));
        return closer.track(RtprelayTarget.start(args.toArray(String[]::new)));
    }

    private Subscription announcements() throws Exception {
        final Subscription sub = client.subscribe("rtprelay.capacity." + nodeId);
        client.flush(WAIT);
        return sub;
    }

    private static JsonValue next(final Subscription sub, final Duration timeout) throws InterruptedException {
        final Message m = sub.nextMessage(timeout);
        assertNotNull(m, "no announcement within " + timeout);
        return json(m.getData());
    }

    private static JsonValue json(final byte[] data) {
        try {
            return JsonParser.parse(data);
        } catch (final JsonParseException e) {
            throw new AssertionError("not JSON: " + new String(data, StandardCharsets.UTF_8), e);
        }
    }

    private static JsonValue field(final JsonValue object, final String path) {
        JsonValue v = object;
        for (final String key : path.split("\\.")) {
            assertNotNull(v.map, () -> "not an object at " + key + " of " + path + ": " + object.toJson());
            v = v.map.get(key);
            assertNotNull(v, () -> "no " + path + " in " + object.toJson());
        }
        return v;
    }

    private static long integer(final JsonValue object, final String path) {
        return field(object, path).number.longValue();
    }

    private static double decimal(final JsonValue object, final String path) {
        return field(object, path).number.doubleValue();
    }

    private static String text(final JsonValue object, final String path) {
        return field(object, path).string;
    }

    @Test
    void announcesCapacityEverySecondWithAddressesLoadAndRates() throws Exception {
        final Subscription sub = announcements();
        final RtprelayTarget relay = relay("--announce-interval=1", "--max-sessions=50");
        final int ngPort = relay.ngAddress().getPort();
        final JsonValue first = next(sub, WAIT);
        assertEquals("ready", text(first, "state"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final RtpLoad load = closer.track(RtpLoad.establish(ng, "announce", 1));
        load.startSending(50, Duration.ofSeconds(20));
        load.awaitFlowing(5, WAIT);

        final List<JsonValue> periodic = new ArrayList<>();
        JsonValue report = next(sub, WAIT);
        while (periodic.size() < 4) {
            report = next(sub, WAIT);
            periodic.add(report);
        }
        for (int i = 1; i < periodic.size(); i++) {
            final JsonValue before = periodic.get(i - 1);
            final JsonValue after = periodic.get(i);
            assertEquals(integer(before, "seq") + 1, integer(after, "seq"), "consecutive announcements");
            final long gapMs = Duration.between(Instant.parse(text(before, "timestamp")),
                Instant.parse(text(after, "timestamp"))).toMillis();
            assertTrue(gapMs >= 700 && gapMs <= 1500, "announce-interval=1 but " + gapMs + " ms apart");
        }

        assertEquals(nodeId, text(report, "node_id"));
        assertEquals("ready", text(report, "state"));
        assertEquals(RelayVersion.current(), text(report, "version"));
        assertTrue(text(report, "version").matches("\\d+\\.\\d+\\.\\d+.*"), text(report, "version"));
        assertTrue(Duration.between(Instant.parse(text(report, "timestamp")), Instant.now()).abs().toSeconds() < 5);
        final List<JsonValue> media = field(report, "media_addresses").array;
        assertEquals(2, media.size(), report.toJson());
        assertEquals("127.0.0.1", text(media.get(0), "local"));
        assertEquals("127.0.0.1", text(media.get(0), "advertised"));
        assertEquals("default", text(media.get(0), "interface"));
        assertEquals("::1", text(media.get(1), "local"));
        assertEquals(List.of("127.0.0.1:" + ngPort),
            field(report, "ng_addresses").array.stream().map(v -> v.string).toList());
        assertEquals(1, integer(report, "calls"));
        assertEquals(2, integer(report, "streams"), "one stream per party");
        assertEquals(50, integer(report, "capacity.max_sessions"));
        assertEquals(200, integer(report, "capacity.ports_total"));
        assertEquals(196, integer(report, "capacity.ports_free"), "the call holds two RTP/RTCP pairs");
        assertEquals(49, integer(report, "capacity.calls_free"));
        final double packetsIn = decimal(report, "rates.packets_in");
        assertTrue(packetsIn > 50 && packetsIn < 150, "100 packets/s sent (50 each way), announced " + packetsIn);
        final double relayed = decimal(report, "rates.packets_relayed");
        assertTrue(relayed > 50 && relayed < 150, "announced relayed rate " + relayed);
        assertEquals(packetsIn * 172, decimal(report, "rates.bytes_in"), packetsIn * 172 * 0.01 + 1);
        assertEquals(0, decimal(report, "rates.errors"), 1e-9);
        assertEquals(1, decimal(report, "rates.interval_s"), 0.5);
        final double cpu = decimal(report, "cpu.process_load");
        assertTrue(cpu >= 0 && cpu <= 1, "cpu load " + cpu);
        assertEquals(Runtime.getRuntime().availableProcessors(), integer(report, "cpu.cores"));
    }

    @Test
    void answersServiceDiscoveryAndTheCapacityEndpoint() throws Exception {
        final Subscription sub = announcements();
        relay("--announce-interval=60");
        next(sub, WAIT);

        final JsonValue ping = request("$SRV.PING.rtprelay");
        assertEquals("io.nats.micro.v1.ping_response", text(ping, "type"));
        assertEquals("rtprelay", text(ping, "name"));
        assertEquals(RelayVersion.current(), text(ping, "version"));
        final String id = text(ping, "id");

        final JsonValue info = request("$SRV.INFO.rtprelay." + id);
        assertEquals("io.nats.micro.v1.info_response", text(info, "type"));
        assertEquals(nodeId, text(info, "metadata.node_id"));
        assertEquals("rtprelay.capacity." + nodeId, text(info, "metadata.capacity_subject"));
        final List<String> subjects = field(info, "endpoints").array.stream().map(e -> text(e, "subject")).toList();
        assertEquals(List.of("rtprelay.control." + nodeId + ".capacity", "rtprelay.control." + nodeId + ".drain"),
            subjects.stream().sorted().toList());

        final JsonValue capacity = request("rtprelay.control." + nodeId + ".capacity");
        assertEquals(nodeId, text(capacity, "node_id"));
        assertEquals("ready", text(capacity, "state"));
        assertEquals(0, integer(capacity, "calls"));

        final JsonValue stats = request("$SRV.STATS.rtprelay." + id);
        assertEquals("io.nats.micro.v1.stats_response", text(stats, "type"));
        long capacityRequests = -1;
        for (final JsonValue endpoint : field(stats, "endpoints").array) {
            if (text(endpoint, "name").equals("capacity")) {
                capacityRequests = integer(endpoint, "num_requests");
            }
        }
        assertEquals(1, capacityRequests, stats.toJson());
    }

    @Test
    void theDrainEndpointDrainsAndTheChangeIsAnnouncedAtOnce() throws Exception {
        final Subscription sub = announcements();
        final RtprelayTarget relay = relay("--announce-interval=60");
        assertEquals("ready", text(next(sub, WAIT), "state"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final RtpLoad load = closer.track(RtpLoad.establish(ng, "drain-endpoint", 1));

        final JsonValue reply = request("rtprelay.control." + nodeId + ".drain");
        assertEquals("draining", text(reply, "state"));
        assertEquals(0, integer(reply, "capacity.calls_free"));
        final JsonValue announced = next(sub, Duration.ofSeconds(1));
        assertEquals("draining", text(announced, "state"), "announced at once, not after the 60 s interval");
        assertTrue(relay.daemon().drainController().draining());

        final Map<String, Object> refused = ng.call(RtpLoad.request("offer", "new-call", "from-tag", "x",
            "sdp", RtpLoad.sdp(4000, 1), "supports", List.of("load limit")));
        assertEquals("load limit", refused.get("result"), refused.toString());
        assertEquals("ok", ng.call(RtpLoad.request("delete", load.callId(0), "from-tag", "a")).get("result"));
        assertEquals("stopped", text(next(sub, WAIT), "state"), "the relay's last word once drained");
        relay.daemon().awaitClose();
    }

    @Test
    void announcementsResumeByThemselvesAfterNatsRestarts() throws Exception {
        final Subscription sub = announcements();
        final RtprelayTarget relay = relay("--announce-interval=1");
        final long before = integer(next(sub, WAIT), "seq");

        nats.stop();
        final Instant down = Instant.now();
        nats.restart();
        awaitClientReconnected();
        final long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonValue resumed = next(sub, Duration.ofSeconds(10));
        while (Instant.parse(text(resumed, "timestamp")).isBefore(down)) {
            assertTrue(System.nanoTime() - deadlineNs < 0, "no announcement after the restart");
            resumed = next(sub, Duration.ofSeconds(10));
        }
        assertTrue(integer(resumed, "seq") > before);
        assertEquals("ready", text(resumed, "state"));
        assertTrue(relay.daemon().announcer().connected());
        assertTrue(relay.daemon().announcer().skipped() > 0, "nothing is queued while NATS is down");
    }

    @Test
    void aRelayStartedWhileNatsIsDownServesAndAnnouncesOnceNatsIsUp() throws Exception {
        nats.stop();
        final RtprelayTarget relay = relay("--announce-interval=1");
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        assertEquals("pong", ng.call(Map.of("command", "ping")).get("result"), "ng does not wait for NATS");
        assertTrue(!relay.daemon().announcer().connected());

        nats.restart();
        awaitClientReconnected();
        final Subscription sub = announcements();
        final JsonValue first = next(sub, Duration.ofSeconds(10));
        assertEquals(nodeId, text(first, "node_id"));
        assertEquals("ready", text(first, "state"));
    }

    /** A flush while the client reconnects can wait for a pong that never comes: wait for the connection. */
    private void awaitClientReconnected() throws Exception {
        final long deadlineNs = System.nanoTime() + WAIT.toNanos();
        while (client.getStatus() != Connection.Status.CONNECTED) {
            assertTrue(System.nanoTime() - deadlineNs < 0, "the test client did not reconnect: " + client.getStatus());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        client.flush(WAIT);
    }

    private JsonValue request(final String subject) throws Exception {
        final Message reply = client.request(subject, new byte[0], WAIT);
        assertNotNull(reply, "no reply on " + subject);
        return json(reply.getData());
    }
}
