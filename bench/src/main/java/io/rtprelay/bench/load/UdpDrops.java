package io.rtprelay.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

/**
 * Datagrams the kernel dropped on arrival at given local UDP ports (a full receive buffer), from the {@code drops}
 * column of Linux's {@code /proc/net/udp} and {@code /proc/net/udp6}: tells loss at the generator's own sockets
 * (the generator fell behind) from loss at the relay's sockets (the relay fell behind). Counters are cumulative per
 * socket; take the difference of two samples. Any thread; reads the files on each call.
 */
public final class UdpDrops {
    private UdpDrops() {
    }

    /**
     * @param ports local ports of interest.
     * @return the sum of the drop counters of the UDP sockets bound to those ports (any address).
     */
    public static long sum(final BitSet ports) {
        long total = 0;
        for (final String file : List.of("/proc/net/udp", "/proc/net/udp6")) {
            final List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file), StandardCharsets.US_ASCII);
            } catch (final IOException e) {
                if (file.endsWith("6")) {
                    continue;
                }
                throw new UncheckedIOException("cannot read " + file, e);
            }
            for (int i = 1; i < lines.size(); i++) {
                total += drops(lines.get(i), ports);
            }
        }
        return total;
    }

    /** One line: {@code sl local_address rem_address st ... drops}; the local port is hex after the ':'. */
    private static long drops(final String line, final BitSet ports) {
        final String[] fields = line.strip().split("\\s+");
        if (fields.length < 13) {
            return 0;
        }
        final String local = fields[1];
        final int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
        return ports.get(port) ? Long.parseLong(fields[fields.length - 1]) : 0;
    }
}
