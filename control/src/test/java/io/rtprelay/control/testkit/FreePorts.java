package io.rtprelay.control.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free ports for processes a test starts that cannot be told to bind port 0 (rtpengine, Kamailio, SIPp).
 * Media ranges come from a per-JVM counter in a band no test binds with port 0 (ephemeral ports start at 32768).
 */
public final class FreePorts {
    private static int nextRangeStart = 20_000 + (int)(ProcessHandle.current().pid() % 20) * 250;

    private FreePorts() {
    }

    /** @return a UDP and TCP port free on loopback right now. */
    public static int udp() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                 ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
                return tcp.getLocalPort();
            } catch (final IOException e) {
                // the UDP port was taken for TCP: try another
                continue;
            }
        }
        throw new UncheckedIOException(new IOException("no free port"));
    }

    /**
     * Consecutive UDP ports, for a program that binds a port and the ones after it (SIPp binds its media port and
     * the port two above it).
     *
     * @param count how many consecutive ports.
     * @return the first of {@code count} consecutive UDP ports free on loopback right now.
     */
    public static int udpBlock(final int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            final int first = udp();
            if (first + count - 1 > 65_535) {
                continue;
            }
            final List<DatagramSocket> held = new ArrayList<>();
            try {
                for (int port = first; port < first + count; port++) {
                    held.add(new DatagramSocket(port, InetAddress.getLoopbackAddress()));
                }
                return first;
            } catch (final IOException e) {
                // one of the ports is taken: try another block
                continue;
            } finally {
                held.forEach(DatagramSocket::close);
            }
        }
        throw new UncheckedIOException(new IOException("no block of " + count + " free ports"));
    }

    /**
     * @param size how many ports.
     * @return the first port of a range of this size, not handed out before in this JVM.
     */
    public static synchronized int mediaRange(final int size) {
        final int start = nextRangeStart;
        nextRangeStart += size;
        if (nextRangeStart > 30_000) {
            nextRangeStart = 20_000;
        }
        return start;
    }
}
