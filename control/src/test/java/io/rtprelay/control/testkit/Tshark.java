package io.rtprelay.control.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code tshark} (Debian package tshark, scripts/install-deps.sh), reading a pcap file into fields: what an
 * operator's tools see of a recording.
 */
public final class Tshark {
    private static final long TIMEOUT_S = 60;

    private Tshark() {
    }

    /**
     * Runs {@code tshark -r FILE -T fields -E separator=| -e F...}, every UDP port of {@code rtpPorts} decoded as
     * RTP and the port above it as RTCP (tshark does not guess RTP on its own).
     *
     * @param pcap     the file.
     * @param rtpPorts UDP ports carrying RTP.
     * @param fields   tshark field names, e.g. {@code rtp.seq}.
     * @return one row per frame, one value per field ({@code ""} when absent).
     */
    public static List<List<String>> fields(final Path pcap, final List<Integer> rtpPorts, final String... fields) {
        final List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString()));
        for (final int port : rtpPorts) {
            command.addAll(List.of("-d", "udp.port==" + port + ",rtp", "-d", "udp.port==" + (port + 1) + ",rtcp"));
        }
        command.addAll(List.of("-T", "fields", "-E", "separator=|", "-E", "occurrence=f"));
        for (final String field : fields) {
            command.addAll(List.of("-e", field));
        }
        try {
            final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
            final byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("tshark did not finish in " + TIMEOUT_S + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("tshark exited " + process.exitValue() + ": " + command);
            }
            final List<List<String>> rows = new ArrayList<>();
            for (final String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    rows.add(Arrays.asList(line.split("\\|", -1)));
                }
            }
            return rows;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot run tshark (scripts/install-deps.sh installs it)", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
