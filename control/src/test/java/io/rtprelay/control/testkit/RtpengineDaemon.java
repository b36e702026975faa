package io.rtprelay.control.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real rtpengine daemon (Debian package rtpengine-daemon), started in userspace mode ({@code --table=-1}) on
 * loopback as the reference our replies are compared against. It reads no configuration file
 * ({@code --config-file=none}): the packaged /etc/rtpengine/rtpengine.conf would bind fixed CLI and HTTP ports,
 * so two daemons (two tests, two builds) could not run at once.
 */
public final class RtpengineDaemon implements NgTarget {
    /** Where Debian installs it. */
    public static final Path BINARY = Path.of("/usr/bin/rtpengine");

    private final ManagedProcess process;
    private final InetSocketAddress ngAddress;

    private RtpengineDaemon(final ManagedProcess process, final InetSocketAddress ngAddress) {
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
        final int ngPort = FreePorts.childUdp();
        final int portMin = FreePorts.mediaRange(200);
        final Path pidFile = tempPidFile();
        final List<String> command = new ArrayList<>(List.of(
            BINARY.toString(), "--config-file=none", "--foreground", "--table=-1", "--no-fallback",
            "--interface=127.0.0.1", "--interface=::1",
            "--listen-ng=127.0.0.1:" + ngPort,
            "--port-min=" + portMin, "--port-max=" + (portMin + 199),
            "--log-stderr", "--log-level=6", "--num-threads=2",
            "--pidfile=" + pidFile));
        command.addAll(List.of(extraArgs));
        final ManagedProcess process = ManagedProcess.start("rtpengine", command, pidFile.getParent());
        try {
            process.awaitLine("Startup complete", Duration.ofSeconds(10));
        } catch (final RuntimeException e) {
            process.close();
            throw e;
        }
        return new RtpengineDaemon(process, new InetSocketAddress("127.0.0.1", ngPort));
    }

    private static Path tempPidFile() {
        try {
            final Path file = Files.createTempFile("rtpengine", ".pid");
            file.toFile().deleteOnExit();
            return file;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return where rtpengine listens for ng. */
    @Override
    public InetSocketAddress ngAddress() {
        return ngAddress;
    }

    /** @return what rtpengine logged so far. */
    public List<String> log() {
        return process.lines();
    }

    @Override
    public void close() {
        process.close();
    }
}
