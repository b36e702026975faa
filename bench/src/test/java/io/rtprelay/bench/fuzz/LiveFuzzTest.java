package io.rtprelay.bench.fuzz;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounded live fuzz of issue 8, in CI: our daemon, a process of its own started as {@code bin/rtprelay} starts
 * it (so the fuzzer's allocations and threads are not the relay's), with three plain and one SDES call streaming
 * RTP both ways, takes 100,000 mutated ng datagrams and 1,000,000 mutated media packets from foreign sockets while
 * it is pinged every 10 ms. Every check of {@link LiveFuzzReport#failures()} must hold: every datagram answered or
 * counted ignored, no internal error, every ping answered, no live packet lost, duplicated, corrupted or joined by
 * a foreign one, the port pool back where it began, a fresh call served afterwards. Counts bound it, never time.
 */
class LiveFuzzTest {
    private static final int PORTS = 400;
    private Process relay;

    @AfterEach
    void stopRelay() throws InterruptedException {
        if (relay != null) {
            relay.destroy();
            if (!relay.waitFor(10, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theRelayAnswersEveryMutatedDatagramAndTheLiveCallsLoseNothing() throws Exception {
        final int portMin = 30_000 + 2 * ThreadLocalRandom.current().nextInt(0, 1_000);
        final InetSocketAddress ng = new InetSocketAddress(InetAddress.getLoopbackAddress(), freeUdpPort());
        final InetSocketAddress http = new InetSocketAddress(InetAddress.getLoopbackAddress(), freeTcpPort());
        relay = startRelay(ng, http, portMin);
        final LiveFuzzConfig config = new LiveFuzzConfig(ng, http, portMin, portMin + PORTS - 1, 100_000, 1_000_000,
            40_000, 4, 3, 1, 16, 32, 0x1155_E08L);

        final LiveFuzzReport report = LiveFuzz.run(config);

        System.out.println(report.toText());
        assertAll(
            () -> assertEquals(100_000, report.ng().sent(), "ng datagrams sent"),
            () -> assertTrue(report.ng().ignoredSent() > 0 && report.ng().retransmittedCookies() > 0,
                "datagrams without a cookie and reused cookies were sent: " + report.ng()),
            () -> assertEquals(1_000_000, report.mediaSent(), "media packets sent"),
            () -> assertTrue(report.live().sent() > 0, "live packets sent"),
            () -> assertTrue(relay.isAlive(), "the relay is still running"),
            () -> assertEquals(List.of(), report.failures(), report::toText));
    }

    /** Our daemon in a JVM of its own, with the relay's JVM flags; returns once it answers /healthz. */
    private static Process startRelay(final InetSocketAddress ng, final InetSocketAddress http, final int portMin)
        throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final Path flags = Path.of("..", "control", "target", "jvm.options");
        if (Files.exists(flags)) {
            command.addAll(List.of(Files.readString(flags).strip().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
            "io.rtprelay.control.lifecycle.RelayDaemon", "--interface=127.0.0.1",
            "--listen-ng=127.0.0.1:" + ng.getPort(), "--listen-http=127.0.0.1:" + http.getPort(),
            "--port-min=" + portMin, "--port-max=" + (portMin + PORTS - 1), "--num-threads=2", "--log-level=4"));
        final File log = Files.createTempFile("livefuzz-relay", ".log").toFile();
        log.deleteOnExit();
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            final HttpRequest healthz = HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + http.getPort() + "/healthz")).build();
            for (int i = 0; i < 600 && p.isAlive(); i++) {
                try {
                    if (client.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return p;
                    }
                } catch (final IOException e) {
                    LockSupport.parkNanos(50_000_000L);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the relay did not start: " + Files.readString(log.toPath()));
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
