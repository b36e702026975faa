package io.rtprelay.control.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One external program a test starts (rtpengine, Kamailio, SIPp, rtpengine-ng-client): its stdout and stderr go
 * to one log file under {@code target/system-logs/}, conditions on it are polled with deadlines, and
 * {@link #close()} ends it and every process it forked (SIGTERM, then SIGKILL). Used from the test thread only.
 */
public final class ManagedProcess implements AutoCloseable {
    /** Where every managed process writes its output, relative to the module Surefire runs in. */
    public static final Path LOG_DIRECTORY = Path.of("target", "system-logs");

    private static final String COMMAND_PREFIX = "$ ";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(final String name, final Process process, final Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts a program with its output going to a fresh log file.
     *
     * @param name       a short name for the log file and for messages, e.g. {@code kamailio}.
     * @param command    the program and its arguments.
     * @param workingDir the directory it runs in.
     * @return the running process.
     */
    public static ManagedProcess start(final String name, final List<String> command, final Path workingDir) {
        try {
            Files.createDirectories(LOG_DIRECTORY);
            final Path logFile = LOG_DIRECTORY.resolve(
                name + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".log");
            final String commandLine = String.join(" ", command).replace("\n", "\\n");
            Files.writeString(logFile, COMMAND_PREFIX + commandLine + "\n", StandardCharsets.UTF_8);
            final Process process = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
            process.getOutputStream().close();
            return new ManagedProcess(name, process, logFile);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** @return the file its output goes to; its first line is the command, prefixed {@code "$ "}. */
    public Path logFile() {
        return logFile;
    }

    /** @return its output so far (without the command line the log file starts with). */
    public String output() {
        try {
            final String log = Files.readString(logFile, StandardCharsets.ISO_8859_1);
            return log.substring(log.indexOf('\n') + 1);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return its output so far, line by line. */
    public List<String> lines() {
        return output().lines().toList();
    }

    /** @return whether it still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return its process id. */
    public long pid() {
        return process.pid();
    }

    /**
     * Waits until a line of its output contains the given text.
     *
     * @param fragment what the line contains.
     * @param timeout  how long to wait.
     * @throws IllegalStateException when it exits first or the time runs out.
     */
    public void awaitLine(final String fragment, final Duration timeout) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (output().contains(fragment)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (" + process.exitValue() + ") before printing '"
                    + fragment + "'; see " + logFile.toAbsolutePath() + ": " + tail());
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new IllegalStateException(name + " did not print '" + fragment + "' within " + timeout
                    + "; see " + logFile.toAbsolutePath() + ": " + tail());
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }

    /**
     * Waits until something holds a UDP port (this process, unless another grabbed a port it was told to use).
     *
     * @param address the address and port it binds.
     * @param timeout how long to wait.
     * @throws IllegalStateException when it exits first or the time runs out.
     */
    public void awaitUdpBound(final InetSocketAddress address, final Duration timeout) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!isUdpFree(address)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (" + process.exitValue() + ") before binding "
                    + address + "; see " + logFile.toAbsolutePath() + ": " + tail());
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new IllegalStateException(name + " did not bind " + address + " within " + timeout
                    + "; see " + logFile.toAbsolutePath() + ": " + tail());
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }

    /**
     * @param address an address and port.
     * @return whether a UDP socket can bind it right now.
     */
    public static boolean isUdpFree(final InetSocketAddress address) {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(address);
            return true;
        } catch (final SocketException e) {
            return false;
        }
    }

    /**
     * Waits for it to exit by itself.
     *
     * @param timeout how long to wait.
     * @return its exit code.
     * @throws IllegalStateException when it still runs after the timeout (it is then stopped).
     */
    public int awaitExit(final Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        close();
        throw new IllegalStateException(name + " still ran after " + timeout + "; see "
            + logFile.toAbsolutePath() + ": " + tail());
    }

    /** @return the last lines of its output, for failure messages. */
    public String tail() {
        final List<String> lines = lines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    /** Ends it and everything it forked: SIGTERM, then SIGKILL after a grace period. Idempotent. */
    @Override
    public void close() {
        final List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (final ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return name + "[" + process.pid() + ", " + logFile + "]";
    }
}
