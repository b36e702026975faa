package io.rtprelay.bench.load;

import io.rtprelay.control.config.RelayConfig;
import io.rtprelay.control.lifecycle.RelayDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the load generator for about two seconds against our relay started in this JVM (10 calls, 50 pps per
 * stream), so CI exercises the tool end to end: ng setup, paced RTP, checking, /proc sampling, report, deletes.
 * Asserts delivery and completeness, never timing.
 */
class LoadGeneratorSmokeTest {
    private RelayDaemon relay;

    @AfterEach
    void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tenCallsAreRelayedWithoutLossAndTheReportIsComplete() throws Exception {
        relay = startRelay();
        final InetSocketAddress ng = relay.ngAddresses().get(0);
        final LoadConfig config = new LoadConfig(ng, 10, 50, 160, 500, 2_000, 5_000, ProcessHandle.current().pid(),
            1, 2, 1_000, 16, 0, InetAddress.getLoopbackAddress(), false, "smoke");

        final LoadReport report = LoadGenerator.run(config);

        assertAll(
            () -> assertEquals(10, report.callsEstablished(), "calls set up"),
            () -> assertEquals(0, report.setupFailures(), "setup failures"),
            () -> assertTrue(report.sentInWindow() >= 10 * 2 * 50, "about 2 s of 20 streams: " + report),
            () -> assertEquals(report.sentInWindow(), report.deliveredInWindow(), "every packet delivered"),
            () -> assertEquals(0, report.lost(), "loss"),
            () -> assertEquals(0, report.duplicates(), "duplicates"),
            () -> assertEquals(0, report.misrouted() + report.foreign() + report.wrongSource(), "misdelivery"),
            () -> assertTrue(report.p50Us() > 0 && report.p50Us() <= report.p99Us()
                && report.p99Us() <= report.p999Us() && report.p999Us() <= report.maxUs(), "percentiles"),
            () -> assertTrue(report.relayRssKb() > 0 && report.relayHwmKb() >= report.relayRssKb(), "relay RSS"),
            () -> assertTrue(report.relayCores() >= 0 && report.relayCpuUsPerPacket() >= 0, "relay CPU"),
            () -> assertTrue(report.generatorCores() >= 0 && report.generatorMaxLoopLoad() >= 0, "generator CPU"),
            () -> assertEquals(0, report.deleteFailures(), "deletes"));
        for (final String key : List.of("delivered_pps=", "loss_pct=", "reordered=", "p50_us=", "p99_us=",
            "p999_us=", "relay_cpu_us_per_pkt=", "relay_rss_kb=", "gen_saturated=")) {
            assertTrue(report.resultLine().contains(key), key + " in " + report.resultLine());
        }
        assertTrue(report.toText().contains("latency"), report.toText());
        try (NgControl control = new NgControl(ng)) {
            final Map<String, Object> list = control.call(Map.of("command", "list"));
            assertEquals(List.of(), list.get("calls"), "every call deleted: " + list);
        }
    }

    /** Our relay on loopback, an ng port probed free and a media range below the ephemeral ports. */
    private static RelayDaemon startRelay() throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            final int portMin = 30_000 + 2 * ThreadLocalRandom.current().nextInt(0, 1_200);
            try {
                return RelayDaemon.start(RelayConfig.parse("--interface=127.0.0.1",
                    "--listen-ng=127.0.0.1:" + freeUdpPort(), "--port-min=" + portMin,
                    "--port-max=" + (portMin + 99), "--num-threads=1", "--delete-delay=0"));
            } catch (final IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException(last);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
