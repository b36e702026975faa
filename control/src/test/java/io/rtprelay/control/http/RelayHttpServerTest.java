package io.rtprelay.control.http;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.FreePorts;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpengineDaemon;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rtprelay.control.testkit.RtpLoad.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP endpoint of our relay, driven as Prometheus, Kubernetes and an operator would, and compared with the real
 * rtpengine's {@code listen-http} endpoint: {@code /ping}, {@code /metrics} (parsed, its values matching the
 * traffic sent through real loopback sockets), {@code /healthz}, {@code /readyz} and {@code POST /drain}.
 */
@Timeout(60)
class RelayHttpServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_PORT = Pattern.compile("m=audio (\\d+) ");
    private static final int RTP_BYTES = 172;

    private final Closer closer = new Closer();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
        http.close();
    }

    private RtprelayTarget relay(final String... extraArgs) {
        final List<String> args = new ArrayList<>(List.of("--listen-http=127.0.0.1:" + FreePorts.udp()));
        args.addAll(List.of(extraArgs));
        return closer.track(RtprelayTarget.start(args.toArray(String[]::new)));
    }

    private static URI uri(final RtprelayTarget relay, final String path) {
        final InetSocketAddress a = relay.daemon().httpAddress();
        return URI.create("http://127.0.0.1:" + a.getPort() + path);
    }

    private HttpResponse<String> get(final URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(final URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape(final RtprelayTarget relay) throws IOException, InterruptedException {
        final HttpResponse<String> r = get(uri(relay, "/metrics"));
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"), r.headers()::toString);
        return PrometheusText.parse(r.body());
    }

    /** A TCP port for the rtpengine we start, from below the ephemeral range, probed free. */
    private static int childTcp() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            final int port = ThreadLocalRandom.current().nextInt(10_000, 20_000);
            try (ServerSocket probe = new ServerSocket(port, 1, LOOPBACK)) {
                return probe.getLocalPort();
            } catch (final IOException e) {
                continue;
            }
        }
        throw new IOException("no free TCP port");
    }


    private static String sdp(final DatagramSocket rtp) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio " + rtp.getLocalPort() + " RTP/AVP 0\r\n";
    }

    private static int relayPort(final Map<String, Object> reply) {
        assertEquals("ok", reply.get("result"), () -> "reply: " + reply);
        final Matcher m = M_PORT.matcher((String)reply.get("sdp"));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    private DatagramSocket endpoint() throws IOException {
        final DatagramSocket s = closer.track(new DatagramSocket(new InetSocketAddress(LOOPBACK, 0)));
        s.setSoTimeout(2_000);
        return s;
    }

    /** Sets up a call between two loopback sockets and sends {@code packets} RTP packets each way through it. */
    private void callWithTraffic(final NgClient ng, final String callId, final int packets) throws IOException {
        final DatagramSocket a = endpoint();
        final DatagramSocket b = endpoint();
        final int forB = relayPort(ng.call(request("offer", callId, "from-tag", "a", "sdp", sdp(a))));
        final int forA = relayPort(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b", "sdp", sdp(b))));
        final byte[] rtp = new byte[RTP_BYTES];
        rtp[0] = (byte)0x80;
        for (int seq = 0; seq < packets; seq++) {
            rtp[3] = (byte)seq;
            a.send(new DatagramPacket(rtp, rtp.length, new InetSocketAddress(LOOPBACK, forA)));
            receive(b, rtp);
            b.send(new DatagramPacket(rtp, rtp.length, new InetSocketAddress(LOOPBACK, forB)));
            receive(a, rtp);
        }
    }

    private static void receive(final DatagramSocket socket, final byte[] expected) throws IOException {
        final DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        assertArrayEquals(expected, Arrays.copyOf(p.getData(), p.getLength()));
    }

    @Test
    void pingAnswersPongAndUnknownPathsNotFoundExactlyAsRtpengine() throws Exception {
        final int rtpengineHttp = childTcp();
        closer.track(RtpengineDaemon.start("--listen-http=127.0.0.1:" + rtpengineHttp));
        final RtprelayTarget relay = relay();
        for (final String path : List.of("/ping", "/ping?x=1", "/nothing-here", "/")) {
            final HttpResponse<String> theirs = get(URI.create("http://127.0.0.1:" + rtpengineHttp + path));
            final HttpResponse<String> ours = get(uri(relay, path));
            assertEquals(theirs.statusCode(), ours.statusCode(), path);
            assertEquals(theirs.body(), ours.body(), path);
            assertEquals(theirs.headers().firstValue("content-type"), ours.headers().firstValue("content-type"), path);
        }
        assertEquals(RelayHttpServer.PONG, get(uri(relay, "/ping")).body());
    }

    @Test
    void metricsMatchTheCallsAndTrafficSentThrough() throws Exception {
        final RtprelayTarget relay = relay("--max-sessions=10");
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final int packets = 25;
        callWithTraffic(ng, "metrics-1", packets);
        assertEquals("error", ng.call(request("no such command", "metrics-x")).get("result"));
        ng.call(request("query", "metrics-1"));

        final PrometheusText m = scrape(relay);
        assertEquals(1, m.value("rtpengine_sessions", "type", "own"));
        assertEquals(0, m.value("rtpengine_sessions", "type", "foreign"));
        assertEquals(2 * packets, m.value("rtpengine_packets_total", "type", "userspace"));
        assertEquals(2 * packets * RTP_BYTES, m.value("rtpengine_bytes_total", "type", "userspace"));
        assertEquals(0, m.value("rtpengine_packet_errors_total", "type", "userspace"));
        assertEquals(2 * packets, m.value("rtprelay_packets_received_total"));
        assertEquals(2, m.value("rtpengine_mediastreams", "type", "userspace"));
        assertEquals(4, m.value("rtpengine_ports_used", "name", "default", "address", "127.0.0.1"));
        assertEquals(200, m.value("rtpengine_ports", "name", "default", "address", "127.0.0.1"));
        assertEquals(196, m.value("rtpengine_ports_free", "name", "default", "address", "127.0.0.1"));
        assertEquals(1, m.value("rtpengine_requests_total", "request", "offer"));
        assertEquals(1, m.value("rtpengine_requests_total", "request", "answer"));
        assertEquals(1, m.value("rtprelay_ng_requests_total", "command", "query"));
        assertEquals(1, m.value("rtpengine_errors_total"));
        assertEquals(4, m.value("rtprelay_ng_datagrams_total"));
        assertEquals(0, m.value("rtprelay_draining"));
        assertEquals(10, m.value("rtprelay_max_sessions"));
        assertEquals(0.1, m.value("rtprelay_capacity_used_ratio"), 1e-9);
        assertEquals(1, m.value("rtprelay_transport_info", "transport", relay.daemon().media().transportName()));
        assertEquals(0, m.value("rtprelay_packets_dropped_total", "reason", "no_peer"));
        assertEquals(0, m.value("rtprelay_recordings"));
        assertEquals(0, m.value("rtprelay_recording_dropped_packets_total"));
        assertTrue(m.value("rtpengine_request_seconds_total", "request", "offer") > 0);
        assertEquals("counter", m.types().get("rtpengine_sessions_total"));
        assertEquals("gauge", m.types().get("rtpengine_sessions"));

        ng.call(request("delete", "metrics-1", "delete-delay", 0L));
        final PrometheusText after = scrape(relay);
        assertEquals(0, after.value("rtpengine_sessions", "type", "own"));
        assertEquals(1, after.value("rtpengine_closed_sessions_total", "reason", "terminated"));
        assertEquals(200, after.value("rtpengine_ports_free", "name", "default", "address", "127.0.0.1"));
        assertEquals(2 * packets, after.value("rtpengine_packets_total", "type", "userspace"), "counters only grow");
    }

    @Test
    void everyRtpengineSeriesWeExportExistsInRtpenginesOwnScrape() throws Exception {
        final int rtpengineHttp = childTcp();
        final RtpengineDaemon rtpengine =
            closer.track(RtpengineDaemon.start("--listen-http=127.0.0.1:" + rtpengineHttp));
        final RtprelayTarget relay = relay();
        // rtpengine lists its per-request series once an ng client has spoken to it
        final NgClient toRtpengine = closer.track(new NgClient(rtpengine.ngAddress()));
        assertEquals("pong", toRtpengine.call(Map.of("command", "ping")).get("result"));
        final HttpResponse<String> theirScrape = get(URI.create("http://127.0.0.1:" + rtpengineHttp + "/metrics"));
        assertEquals(200, theirScrape.statusCode());
        final PrometheusText theirs = PrometheusText.parse(theirScrape.body());
        final PrometheusText ours = scrape(relay);

        final Set<String> missing = new TreeSet<>();
        int compared = 0;
        for (final String shape : ours.shapes()) {
            if (!shape.startsWith("rtpengine_")) {
                assertTrue(shape.startsWith("rtprelay_"), shape);
                continue;
            }
            compared++;
            // rtpengine labels ng request series with the client's address as well; we do not count per client
            final String withProxy = shape.replace("{request}", "{proxy,request}").replace("rtpengine_errors_total",
                "rtpengine_errors_total{proxy}");
            if (!theirs.shapes().contains(shape) && !theirs.shapes().contains(withProxy)) {
                missing.add(shape);
            }
        }
        assertTrue(compared >= 15, "rtpengine series compared: " + compared);
        assertEquals(Set.of(), missing, "series rtpengine does not export; theirs: " + theirs.shapes());
        for (final String family : ours.types().keySet()) {
            if (theirs.types().containsKey(family)) {
                assertEquals(theirs.types().get(family), ours.types().get(family), family);
            }
        }
    }

    @Test
    void drainTurnsReadinessOffKeepsLivenessAndRefusesNewCalls() throws Exception {
        final RtprelayTarget relay = relay();
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        callWithTraffic(ng, "before-drain", 2);
        assertEquals(200, get(uri(relay, "/readyz")).statusCode());
        assertEquals("ready\n", get(uri(relay, "/readyz")).body());
        assertEquals(200, get(uri(relay, "/healthz")).statusCode());
        assertEquals(405, get(uri(relay, "/drain")).statusCode(), "GET must not drain");
        assertEquals(200, get(uri(relay, "/readyz")).statusCode());

        final HttpResponse<String> drained = post(uri(relay, "/drain"));
        assertEquals(200, drained.statusCode());
        assertEquals("draining\n", drained.body());
        assertEquals(503, get(uri(relay, "/readyz")).statusCode());
        assertEquals("draining\n", get(uri(relay, "/readyz")).body());
        assertEquals(200, get(uri(relay, "/healthz")).statusCode(), "a draining relay is alive");
        assertEquals(200, post(uri(relay, "/drain")).statusCode(), "draining twice is fine");
        assertEquals(1, scrape(relay).value("rtprelay_draining"));

        final DatagramSocket c = endpoint();
        final Map<String, Object> refused = ng.call(request("offer", "after-drain", "from-tag", "c", "sdp", sdp(c),
            "supports", List.of("load limit")));
        assertEquals("load limit", refused.get("result"), refused::toString);
        assertEquals("ok", ng.call(request("query", "before-drain")).get("result"), "live calls go on");
        assertEquals(1, scrape(relay).value("rtprelay_ng_load_limit_total"));
        assertEquals(1, scrape(relay).value("rtpengine_closed_sessions_total", "reason", "rejected"));
    }

    @Test
    void theContainerProbeSucceedsOnlyOnA2xxAnswer() throws Exception {
        final RtprelayTarget relay = relay();
        // a live call keeps the relay draining (without one, a drained relay stops at once)
        callWithTraffic(closer.track(new NgClient(relay.ngAddress())), "probe-call", 1);
        assertEquals(0, HttpProbe.run(uri(relay, "/healthz").toString()));
        assertEquals(0, HttpProbe.run(uri(relay, "/readyz").toString()));
        assertEquals(1, HttpProbe.run(uri(relay, "/nothing-here").toString()));
        assertEquals(0, HttpProbe.run("--post", uri(relay, "/drain").toString()));
        assertEquals(1, HttpProbe.run(uri(relay, "/readyz").toString()), "draining: not ready");
        assertEquals(0, HttpProbe.run(uri(relay, "/healthz").toString()));
        final String port = Integer.toString(relay.daemon().httpAddress().getPort());
        assertEquals(0, HttpProbe.run(Map.of("POD_IP", "127.0.0.1", "PORT", port),
            "http://${POD_IP}:${PORT}/healthz"), "variables from the environment, as in the preStop hook");
        assertEquals(2, HttpProbe.run(Map.of(), "--post", "http://${POD_IP}:9101/drain"), "unset variable");
        assertEquals(2, HttpProbe.run());
        assertEquals(2, HttpProbe.run("--get", "x", "y"));
        final int closedPort;
        try (ServerSocket closed = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = closed.getLocalPort();
        }
        assertEquals(1, HttpProbe.run("http://127.0.0.1:" + closedPort + "/healthz"), "nobody listening");
    }

    @Test
    void headIsAnsweredLikeGetWithoutABody() throws Exception {
        final RtprelayTarget relay = relay();
        final HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri(relay, "/healthz"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(405, post(uri(relay, "/metrics")).statusCode());
    }
}
