package io.rtprelay.control.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Our relay as a separate process, started as {@code bin/rtprelay} starts it: {@code java}, the JVM flags the build
 * wrote to {@code target/jvm.options}, and {@code io.rtprelay.control.lifecycle.RelayDaemon} with rtpengine-style
 * options. The test phase runs before the jar is packaged, so the class path is the test JVM's own. Used where a
 * test needs what only a process has: signals, and its exit code.
 */
public final class RelayProcess implements AutoCloseable {
    /** The daemon's main class. */
    public static final String MAIN_CLASS = "io.rtprelay.control.lifecycle.RelayDaemon";

    private static final Path JVM_OPTIONS = Path.of("target", "jvm.options");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final ManagedProcess process;
    private final InetSocketAddress ng;

    private RelayProcess(final ManagedProcess process, final InetSocketAddress ng) {
        this.process = process;
        this.ng = ng;
    }

    /**
     * Starts the relay on loopback with an ng port and a media range of its own, and waits until it is ready.
     *
     * @param name      a short name for its log file.
     * @param extraArgs further options; they override the defaults given here.
     * @return the running relay.
     */
    public static RelayProcess start(final String name, final String... extraArgs) {
        final int portMin = FreePorts.mediaRange(200);
        final InetSocketAddress ng = new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.childUdp());
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS,
            "--interface=127.0.0.1", "--listen-ng=127.0.0.1:" + ng.getPort(),
            "--port-min=" + portMin, "--port-max=" + (portMin + 199), "--num-threads=2"));
        command.addAll(List.of(extraArgs));
        final ManagedProcess process = ManagedProcess.start(name, command, Path.of("."));
        try {
            process.awaitLine("rtprelay ready", START_TIMEOUT);
        } catch (final IllegalStateException e) {
            process.close();
            throw e;
        }
        return new RelayProcess(process, ng);
    }

    /** @return the flags of {@code target/jvm.options}, the one definition the launcher and the image use too. */
    private static List<String> jvmFlags() {
        try {
            final String text = Files.readString(JVM_OPTIONS, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
        } catch (final IOException e) {
            throw new UncheckedIOException("no " + JVM_OPTIONS.toAbsolutePath() + ": run the build's "
                + "process-resources phase first", e);
        }
    }

    /** @return where ng is answered. */
    public InetSocketAddress ngAddress() {
        return ng;
    }

    /** @return the process, its log and exit. */
    public ManagedProcess process() {
        return process;
    }

    /** Sends SIGTERM, as Kubernetes does to a pod that goes away, and returns at once. */
    public void sigterm() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    }

    /**
     * @param timeout how long to wait.
     * @return its exit code.
     */
    public int awaitExit(final Duration timeout) {
        return process.awaitExit(timeout);
    }

    /** Ends it if it still runs (SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "rtprelay " + process;
    }
}
