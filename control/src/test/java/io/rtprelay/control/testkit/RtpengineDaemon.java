package io.rtprelay.control.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real rtpengine daemon (Debian package rtpengine-daemon), started in userspace mode ({@code --table=-1}) on
 * loopback as the reference our replies are compared against.
 */
public final class RtpengineDaemon implements NgTarget {
    /** Where Debian installs it. */
    public static final Path BINARY = Path.of("/usr/bin/rtpengine");

    private final Process process;
    private final InetSocketAddress ngAddress;
    private final List<String> log = new ArrayList<>();

    private RtpengineDaemon(final Process process, final InetSocketAddress ngAddress) {
        this.process = process;
        this.ngAddress = ngAddress;
    }

    /**
     * Starts rtpengine with media on 127.0.0.1 and ::1.
     *
     * @param extraArgs further command-line options, e.g. {@code --max-sessions=0}.
     * @return the running daemon, its ng port answering.
     */
    public static RtpengineDaemon start(final String... extraArgs) {
        final int ngPort = FreePorts.udp();
        final int portMin = FreePorts.mediaRange(200);
        final List<String> command = new ArrayList<>(List.of(
            BINARY.toString(), "--config-file=none", "--foreground", "--table=-1", "--no-fallback",
            "--interface=127.0.0.1", "--interface=::1",
            "--listen-ng=127.0.0.1:" + ngPort,
            "--port-min=" + portMin, "--port-max=" + (portMin + 199),
            "--log-stderr", "--log-level=6", "--num-threads=2",
            "--pidfile=" + tempPidFile()));
        command.addAll(List.of(extraArgs));
        try {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final RtpengineDaemon daemon = new RtpengineDaemon(process, new InetSocketAddress("127.0.0.1", ngPort));
            daemon.awaitStartup();
            return daemon;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + BINARY, e);
        }
    }

    private static String tempPidFile() {
        try {
            final Path file = Files.createTempFile("rtpengine", ".pid");
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitStartup() {
        final CountDownLatch started = new CountDownLatch(1);
        final Thread reader = Thread.ofPlatform().daemon().name("rtpengine-log").start(() -> {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (log) {
                        log.add(line);
                    }
                    if (line.contains("Startup complete")) {
                        started.countDown();
                    }
                }
            } catch (final IOException ignored) {
                // the process went away; close() reports
            }
        });
        try {
            if (!started.await(10, TimeUnit.SECONDS)) {
                close();
                throw new IllegalStateException("rtpengine did not start: " + log());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (!reader.isAlive() && !process.isAlive()) {
            throw new IllegalStateException("rtpengine exited: " + log());
        }
    }

    /** @return where rtpengine listens for ng. */
    @Override
    public InetSocketAddress ngAddress() {
        return ngAddress;
    }

    /** @return what rtpengine logged so far. */
    public List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
