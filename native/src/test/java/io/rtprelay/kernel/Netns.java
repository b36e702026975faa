package io.rtprelay.kernel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Network namespaces for the tests, made with iproute2 ({@code ip netns add}); {@link #call} runs code on a fresh
 * platform thread that has entered the namespace with setns(2), so the sockets it opens and the rtnetlink it
 * talks live there (a socket keeps its namespace when another thread uses it later).
 */
@SuppressWarnings("restricted")
final class Netns {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("open"),
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("setns"),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("close"),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Netns() {
    }

    /** Runs a command, failing with its output when it fails. */
    static String run(final String... command) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** Runs a command in namespace {@code ns}. */
    static String in(final String ns, final String... command) throws IOException, InterruptedException {
        final String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        return run(full);
    }

    /** Deletes the namespaces that exist, quietly (their veths, qdiscs and filters go with them). */
    static void deleteAll(final List<String> names) {
        for (final String ns : names) {
            try {
                new ProcessBuilder("ip", "netns", "delete", ns).redirectErrorStream(true).start()
                    .waitFor(30, TimeUnit.SECONDS);
            } catch (final IOException e) {
                throw new IllegalStateException(e);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return what {@code task} returns, run on a new thread inside namespace {@code ns}. */
    static <T> T call(final String ns, final Callable<T> task) throws Exception {
        final AtomicReference<T> result = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread t = Thread.ofPlatform().name("netns-" + ns).start(() -> {
            try {
                enter(ns);
                result.set(task.call());
            } catch (final Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return result.get();
    }

    private static void enter(final String ns) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            final int fd = (int) OPEN.invokeExact(arena.allocateFrom("/var/run/netns/" + ns), 0);
            if (fd < 0) {
                throw new IOException("cannot open namespace " + ns);
            }
            final int rc = (int) SETNS.invokeExact(fd, CLONE_NEWNET);
            final int closed = (int) CLOSE.invokeExact(fd);
            if (rc != 0 || closed != 0) {
                throw new IOException("setns into " + ns + " failed");
            }
        }
    }
}
