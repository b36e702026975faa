package io.rtprelay.control.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for processes a test starts that cannot be told to bind port 0 (rtpengine, Kamailio, SIPp).
 * Media ranges come from a per-JVM counter in a band no test binds with port 0 (ephemeral ports start at 32768).
 */
public final class FreePorts {
    /** Ports for programs the tests start: below the media band (20000-30000) and the ephemeral range. */
    private static final int CHILD_BAND_START = 10_000;
    private static final int CHILD_BAND_END = 20_000;

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
     * A UDP port for a program the test starts. {@link #udp()} returns a port from the kernel's ephemeral range,
     * where any process's next port-0 bind may take it before the program binds it; this one comes from a band
     * below both the ephemeral range and the media ranges, probed free.
     *
     * @return a UDP port free on loopback right now.
     */
    public static int childUdp() {
        return childUdpBlock(1);
    }

    /**
     * Consecutive UDP ports for a program the test starts that binds a port and the ones after it (SIPp binds its
     * media port and the port two above it), from the same band as {@link #childUdp()}.
     *
     * @param count how many consecutive ports.
     * @return the first of {@code count} consecutive UDP ports free on loopback right now.
     */
    public static int childUdpBlock(final int count) {
        for (int attempt = 0; attempt < 100; attempt++) {
            final int first = ThreadLocalRandom.current().nextInt(CHILD_BAND_START, CHILD_BAND_END - count);
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
