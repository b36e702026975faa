package io.rtprelay.relay.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Port ranges for the relay's port pool in tests. A pool needs a fixed range, so it is drawn at random from
 * 10000..19999 (below the ephemeral ports that port-0 binds use, and apart from the control tests' 20000..29999) and
 * kept only if every port of it is bindable on 127.0.0.1 now.
 */
public final class TestPorts {
    private static final int BAND_START = 10_000;
    private static final int BAND_END = 20_000;

    private TestPorts() {
    }

    /**
     * @param pairs how many even/odd pairs.
     * @return the first (even) port of a range of {@code 2 * pairs} ports, all free right now.
     */
    public static int freeRange(final int pairs) {
        final int size = 2 * pairs;
        for (int attempt = 0; attempt < 100; attempt++) {
            final int start = (ThreadLocalRandom.current().nextInt(BAND_START, BAND_END - size)) & ~1;
            if (allBindable(start, size)) {
                return start;
            }
        }
        throw new IllegalStateException("no free range of " + size + " ports in " + BAND_START + ".." + BAND_END);
    }

    /**
     * @param start first port.
     * @param size  how many ports.
     * @return whether each port can be bound on 127.0.0.1 now.
     */
    public static boolean allBindable(final int start, final int size) {
        return unbindable(start, size).isEmpty();
    }

    /**
     * @param start first port.
     * @param size  how many ports.
     * @return the ports of the range that cannot be bound on 127.0.0.1 now.
     */
    public static List<Integer> unbindable(final int start, final int size) {
        final List<Integer> busy = new ArrayList<>();
        for (int port = start; port < start + size; port++) {
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(UdpEndpoint.LOOPBACK, port))) {
                probe.getLocalPort();
            } catch (final IOException e) {
                busy.add(port);
            }
        }
        return busy;
    }
}
