package io.rtprelay.control.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real {@code nats-server} (Debian package nats-server) on a free loopback TCP port, for the tests of the
 * relay's NATS announcements. It can be stopped and started again on the same port, as a NATS restart.
 * Used from the test thread only.
 */
public final class NatsServer implements AutoCloseable {
    /** The Debian package's binary. */
    public static final Path BINARY = Path.of("/usr/sbin/nats-server");

    private static final int BAND_START = 10_000;
    private static final int BAND_END = 20_000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private ManagedProcess process;

    private NatsServer(final int port) {
        this.port = port;
    }

    /** @return a running server on 127.0.0.1 and a port of its own. */
    public static NatsServer start() {
        final NatsServer server = new NatsServer(freeTcpPort());
        server.restart();
        return server;
    }

    /** @return its client URL, {@code nats://127.0.0.1:PORT}. */
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** @return its client port. */
    public int port() {
        return port;
    }

    /** @return whether it runs now. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops it (SIGTERM, as an operator's restart), waiting until it has exited. */
    public void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    /** Starts it (again) on the same port and waits until it accepts clients. */
    public void restart() {
        stop();
        process = ManagedProcess.start("nats-server", List.of(BINARY.toString(), "-a", "127.0.0.1",
            "-p", Integer.toString(port)), Path.of("."));
        process.awaitLine("Server is ready", START_TIMEOUT);
    }

    private static int freeTcpPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            final int port = ThreadLocalRandom.current().nextInt(BAND_START, BAND_END);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (final IOException e) {
                // taken: try another
                continue;
            }
        }
        throw new UncheckedIOException(new IOException("no free TCP port"));
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "nats-server[" + url() + "]";
    }
}
