package io.rtprelay.srtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One libsrtp2 session (Debian's libsrtp2, an independent SRTP implementation) in a child process: the C helper
 * {@code src/test/c/srtp_peer.c}, compiled here with gcc. Without gcc or libsrtp2-dev the tests fail (CI installs
 * them through scripts/install-deps.sh): a cross-check that silently skips proves nothing.
 */
final class LibsrtpPeer implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.of();
    private static final Path SOURCE = Path.of("src/test/c/srtp_peer.c");
    private static final Path BINARY = Path.of("target/srtp_peer");
    private static boolean built;

    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    private LibsrtpPeer(final Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Compiles the helper once per JVM. */
    static synchronized void build() throws IOException, InterruptedException {
        if (built && Files.isExecutable(BINARY)) {
            return;
        }
        Files.createDirectories(BINARY.getParent());
        final Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", BINARY.toString(),
            SOURCE.toString(), "-lsrtp2").redirectErrorStream(true).start();
        final String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new AssertionError("cannot build the libsrtp2 helper (needs gcc and libsrtp2-dev, see "
                + "scripts/install-deps.sh):\n" + log);
        }
        built = true;
    }

    /**
     * @param policy  the suite, key and salt.
     * @param sending true for a session that protects, false for one that unprotects.
     * @return the running peer.
     */
    static LibsrtpPeer start(final SrtpPolicy policy, final boolean sending) throws IOException,
        InterruptedException {
        build();
        final List<String> command = new ArrayList<>(List.of(BINARY.toAbsolutePath().toString(),
            policy.profile().sdesName(), HEX.formatHex(policy.keyAndSalt()), sending ? "send" : "receive"));
        if (!policy.encryptRtp()) {
            command.add("UNENCRYPTED_SRTP");
        }
        if (!policy.encryptRtcp()) {
            command.add("UNENCRYPTED_SRTCP");
        }
        if (!policy.authenticateRtp()) {
            command.add("UNAUTHENTICATED_SRTP");
        }
        if (policy.mkiLength() > 0) {
            command.add("MKI=" + HEX.formatHex(policy.mki()));
        }
        final LibsrtpPeer peer = new LibsrtpPeer(new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        final String hello = peer.out.readLine();
        if (!"ready".equals(hello)) {
            peer.close();
            throw new AssertionError("libsrtp2 refused " + policy + ": " + hello);
        }
        return peer;
    }

    /** @return the transformed RTP packet, or null when libsrtp2 rejected it. */
    byte[] rtp(final byte[] packet) throws IOException {
        return exchange("rtp ", packet);
    }

    /** @return the transformed RTCP packet, or null when libsrtp2 rejected it. */
    byte[] rtcp(final byte[] packet) throws IOException {
        return exchange("rtcp ", packet);
    }

    private byte[] exchange(final String kind, final byte[] packet) throws IOException {
        in.write(kind + HEX.formatHex(packet) + "\n");
        in.flush();
        final String reply = out.readLine();
        if (reply == null) {
            throw new AssertionError("libsrtp2 helper died");
        }
        return reply.startsWith("ok ") ? HEX.parseHex(reply.substring(3)) : null;
    }

    @Override
    public void close() throws IOException {
        in.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
