package io.rtprelay.srtp.dtls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code openssl s_server -dtls1_2} or {@code s_client -dtls1_2} as an independent DTLS-SRTP peer, with
 * {@code -use_srtp} and {@code -keymatexport EXTRACTOR-dtls_srtp}: what it printed (the negotiated profile, the
 * exported keying material) is read from its output. Its stdin stays open (at EOF it would quit).
 */
final class OpensslPeer implements AutoCloseable {
    private final Process process;
    private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<Void> accepting = new CompletableFuture<>();
    final CompletableFuture<String> profile = new CompletableFuture<>();
    final CompletableFuture<byte[]> keyingMaterial = new CompletableFuture<>();

    private OpensslPeer(final List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final Thread reader = new Thread(this::read, "openssl-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** A self-signed P-256 certificate and key for openssl, made by openssl. */
    record Credentials(Path cert, Path key, DtlsFingerprint sha256) {
    }

    static Credentials credentials(final Path dir, final String name) throws Exception {
        final Path cert = dir.resolve(name + ".pem");
        final Path key = dir.resolve(name + ".key");
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", "/CN=" + name, "-days", "1", "-keyout", key.toString(), "-out", cert.toString());
        return new Credentials(cert, key, DtlsFingerprint.parse("sha-256 " + fingerprint(cert, "-sha256")));
    }

    /** @return openssl's own fingerprint of a PEM or DER certificate, {@code AB:CD:...}. */
    static String fingerprint(final Path cert, final String digestOption) throws Exception {
        final String inform = cert.toString().endsWith(".der") ? "DER" : "PEM";
        final String out = run("openssl", "x509", "-inform", inform, "-in", cert.toString(), "-noout",
            "-fingerprint", digestOption).strip();
        return out.substring(out.indexOf('=') + 1);
    }

    static String run(final String... command) throws Exception {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    static int freeUdpPort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    static OpensslPeer server(final int port, final Credentials credentials, final String profiles,
                              final int keyingMaterialLength) throws Exception {
        final OpensslPeer peer = new OpensslPeer(List.of("openssl", "s_server", "-dtls1_2", "-accept",
            "127.0.0.1:" + port, "-cert", credentials.cert().toString(), "-key", credentials.key().toString(),
            "-verify", "1", "-use_srtp", profiles, "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen",
            Integer.toString(keyingMaterialLength), "-mtu", "1200"));
        peer.accepting.get(10, TimeUnit.SECONDS);
        return peer;
    }

    static OpensslPeer client(final int port, final Credentials credentials, final String profiles,
                              final int keyingMaterialLength) throws Exception {
        return new OpensslPeer(List.of("openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:" + port,
            "-cert", credentials.cert().toString(), "-key", credentials.key().toString(), "-use_srtp", profiles,
            "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", Integer.toString(keyingMaterialLength),
            "-mtu", "1200"));
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                final String t = line.strip();
                if (t.equals("ACCEPT")) {
                    accepting.complete(null);
                } else if (t.startsWith("SRTP Extension negotiated, profile=")) {
                    profile.complete(t.substring(t.indexOf('=') + 1));
                } else if (t.startsWith("Keying material: ")) {
                    keyingMaterial.complete(HexFormat.of().parseHex(t.substring("Keying material: ".length())));
                }
            }
        } catch (final IOException | IllegalArgumentException e) {
            keyingMaterial.completeExceptionally(e);
        }
        final IOException ended = new IOException("openssl ended: " + output());
        accepting.completeExceptionally(ended);
        profile.completeExceptionally(ended);
        keyingMaterial.completeExceptionally(ended);
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    static Path write(final Path dir, final String name, final byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
