package io.rtprelay.control.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real {@code rtpengine-ctl} (package rtpengine-utils, a Perl script): it connects over TCP to a CLI
 * port, sends its arguments as one line, and prints what comes back until the server closes. It is told the
 * address on its command line and pointed at a configuration file that does not exist, so the machine's
 * /etc/rtpengine/rtpengine.conf plays no part.
 */
public final class RtpengineCtl {
    /** Where Debian installs it. */
    public static final Path BINARY = Path.of("/usr/bin/rtpengine-ctl");
    private static final long TIMEOUT_S = 15;

    private RtpengineCtl() {
    }

    /**
     * Runs one command.
     *
     * @param cli     the CLI's address.
     * @param command the command's words, e.g. {@code "list", "numsessions"}.
     * @return what rtpengine-ctl printed.
     * @throws AssertionError when it fails or does not finish in time.
     */
    public static String run(final InetSocketAddress cli, final String... command) {
        final List<String> args = new ArrayList<>(List.of(BINARY.toString(),
            "-config-file", "/nonexistent/rtpengine.conf",
            "-ip", cli.getAddress().getHostAddress(), "-port", Integer.toString(cli.getPort())));
        args.addAll(List.of(command));
        try {
            final Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            p.getOutputStream().close();
            final byte[][] out = new byte[1][];
            final Thread reader = Thread.ofPlatform().name("rtpengine-ctl-out").start(() -> out[0] = readAll(p));
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("rtpengine-ctl " + String.join(" ", command) + " did not finish in "
                    + TIMEOUT_S + " s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
            final String text = new String(out[0] == null ? new byte[0] : out[0], StandardCharsets.ISO_8859_1);
            if (p.exitValue() != 0) {
                throw new AssertionError("rtpengine-ctl " + String.join(" ", command) + " exited " + p.exitValue()
                    + ": " + text);
            }
            return text;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static byte[] readAll(final Process p) {
        try (InputStream in = p.getInputStream()) {
            return in.readAllBytes();
        } catch (final IOException e) {
            return new byte[0];
        }
    }
}
