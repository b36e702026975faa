package io.rtprelay.deploy;

import io.rtprelay.control.config.RelayConfig;
import io.rtprelay.control.lifecycle.RelayDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboard asks only for series the relay really exports: every metric name in its queries is found
 * in a scrape of a relay started here (on loopback), so a renamed metric breaks this test, not a dashboard.
 */
@Timeout(60)
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of(System.getProperty("basedir", "."))
        .resolve("grafana/rtprelay-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:rtpengine|rtprelay)_[a-z0-9_]+\\b");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

    @Test
    void everyMetricTheDashboardQueriesIsInTheRelaysScrape() throws Exception {
        final ObjectMapper json = JsonMapper.builder().build();
        final JsonNode dashboard = json.readTree(DASHBOARD.toFile());
        final Set<String> queried = new TreeSet<>();
        final Set<Long> ids = new HashSet<>();
        for (final JsonNode panel : dashboard.path("panels")) {
            assertTrue(ids.add(panel.path("id").asLong()), "panel ids are unique");
            assertEquals("${datasource}", panel.path("datasource").path("uid").asString(),
                panel.path("title")::asString);
            for (final JsonNode target : panel.path("targets")) {
                final Matcher m = METRIC.matcher(target.path("expr").asString());
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        for (final JsonNode variable : dashboard.path("templating").path("list")) {
            final Matcher m = METRIC.matcher(variable.path("definition").asString());
            while (m.find()) {
                queried.add(m.group());
            }
        }
        assertTrue(queried.size() >= 10, queried::toString);

        final Set<String> exported = new TreeSet<>();
        final int portMin = 20_000 + (int)(ProcessHandle.current().pid() % 40) * 200;
        try (RelayDaemon relay = RelayDaemon.start(RelayConfig.parse("--interface=127.0.0.1",
            "--listen-ng=127.0.0.1:" + freePort(), "--listen-http=127.0.0.1:" + freePort(),
            "--port-min=" + portMin, "--port-max=" + (portMin + 99), "--num-threads=1"))) {
            final Matcher m = SAMPLE.matcher(scrape(relay.httpAddress().getPort()));
            while (m.find()) {
                exported.add(m.group(1));
            }
        }
        final Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "queried by the dashboard, not exported; exported: " + exported);
    }

    private static String scrape(final int port) throws IOException {
        final HttpURLConnection c = (HttpURLConnection)URI.create("http://127.0.0.1:" + port + "/metrics").toURL()
            .openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(5_000);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A port free for UDP and TCP on loopback right now. */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                 ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
                return tcp.getLocalPort();
            } catch (final IOException e) {
                continue;
            }
        }
        throw new IOException("no free port");
    }
}
