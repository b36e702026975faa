package io.rtprelay.control.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real tshark (Debian package {@code tshark}) reading a pcap the relay wrote. */
final class Tshark {
    private Tshark() {
    }

    /**
     * @param pcap   the capture.
     * @param fields tshark field names, e.g. {@code frame.protocols}, {@code ip.src}, {@code rtp.p_type}.
     * @return one row per frame, the fields in order; RTP is recognised by tshark's heuristic (the ports of the
     *     parties are not known to it).
     */
    static List<List<String>> fields(final Path pcap, final String... fields) throws IOException {
        final List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-o",
            "rtp.heuristic_rtp:TRUE", "-T", "fields", "-E", "separator=|"));
        for (final String field : fields) {
            command.add("-e");
            command.add(field);
        }
        final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "tshark finished");
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertEquals(0, process.exitValue(), "tshark's exit status");
        final List<List<String>> rows = new ArrayList<>();
        for (final String line : out.split("\n")) {
            if (!line.isEmpty()) {
                rows.add(List.of(line.split("\\|", -1)));
            }
        }
        return rows;
    }
}
