package io.rtprelay.relay.transport;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The media ports a relay may bind: pairs of an even RTP port and the odd RTCP port above it (RFC 3550 §11: "RTP
 * data SHOULD be carried on an even UDP port number and the corresponding RTCP packets ... on the next higher (odd)
 * port number"), inside the configured {@code [min, max]}.
 *
 * <p>Thread-safe without locks: the control thread acquires, and the event loops release when a socket pair has
 * closed. One bit per pair in an {@link AtomicLongArray}, claimed and cleared by CAS. Pairs are handed out
 * round-robin from a cursor, so a just-released pair is the last to be reused and late packets of an ended call do
 * not reach the next call that gets its ports.
 */
public final class PortPool {
    private static final int MAX_PORT = 65_535;

    private final int firstPort;
    private final int pairs;
    private final AtomicLongArray used;
    private final AtomicInteger cursor = new AtomicInteger();
    private final AtomicInteger freePairs;

    /**
     * @param min lowest port that may be used (rounded up to even for the first RTP port).
     * @param max highest port that may be used (an RTCP port at most).
     * @throws IllegalArgumentException if the range is outside 1..65535 or holds no pair.
     */
    public PortPool(final int min, final int max) {
        if (min < 1 || max > MAX_PORT || min > max) {
            throw new IllegalArgumentException("bad port range [" + min + ", " + max + "]");
        }
        firstPort = (min + 1) & ~1;
        pairs = firstPort >= max ? 0 : (max - 1 - firstPort) / 2 + 1;
        if (pairs <= 0) {
            throw new IllegalArgumentException("port range [" + min + ", " + max + "] holds no even/odd pair");
        }
        final int words = (pairs + Long.SIZE - 1) / Long.SIZE;
        used = new AtomicLongArray(words);
        final int tail = pairs % Long.SIZE;
        if (tail != 0) {
            // bits past the last pair are permanently "used", so a full word is always -1L
            used.set(words - 1, -1L << tail);
        }
        freePairs = new AtomicInteger(pairs);
    }

    /**
     * Claims the next free pair, round-robin.
     *
     * @return the even RTP port of the pair (RTCP is that + 1), or -1 when every pair is in use.
     */
    public int acquirePair() {
        final int start = cursor.get();
        final int words = used.length();
        final int startWord = start >>> 6;
        final int startBit = start & 63;
        for (int n = 0; n <= words; n++) {
            final int word = (startWord + n) % words;
            final long mask = n == 0 ? -1L << startBit : n == words ? ~(-1L << startBit) : -1L;
            long bits = used.get(word);
            while (true) {
                final long free = ~bits & mask;
                if (free == 0) {
                    break;
                }
                final long bit = Long.lowestOneBit(free);
                if (used.compareAndSet(word, bits, bits | bit)) {
                    final int index = (word << 6) + Long.numberOfTrailingZeros(bit);
                    freePairs.decrementAndGet();
                    cursor.set(index + 1 == pairs ? 0 : index + 1);
                    return firstPort + 2 * index;
                }
                bits = used.get(word);
            }
        }
        return -1;
    }

    /**
     * Returns a pair to the pool.
     *
     * @param rtpPort the even port {@link #acquirePair()} returned.
     * @throws IllegalArgumentException if the port is not an RTP port of this pool.
     * @throws IllegalStateException    if the pair is not in use (released twice).
     */
    public void releasePair(final int rtpPort) {
        final int offset = rtpPort - firstPort;
        if (offset < 0 || (offset & 1) != 0 || offset / 2 >= pairs) {
            throw new IllegalArgumentException("port " + rtpPort + " is not an RTP port of " + this);
        }
        final int index = offset / 2;
        final int word = index >>> 6;
        final long bit = 1L << (index & 63);
        long bits = used.get(word);
        while (true) {
            if ((bits & bit) == 0) {
                throw new IllegalStateException("port pair " + rtpPort + " released but not in use");
            }
            if (used.compareAndSet(word, bits, bits & ~bit)) {
                freePairs.incrementAndGet();
                return;
            }
            bits = used.get(word);
        }
    }

    /** @return single ports (RTP and RTCP counted apart) free now. */
    public int freePorts() {
        return 2 * freePairs.get();
    }

    /** @return single ports (RTP and RTCP counted apart) in the pool. */
    public int totalPorts() {
        return 2 * pairs;
    }

    /** @return the lowest RTP port. */
    public int firstPort() {
        return firstPort;
    }

    /** @return the highest RTCP port. */
    public int lastPort() {
        return firstPort + 2 * pairs - 1;
    }

    @Override
    public String toString() {
        return "PortPool[" + firstPort + ".." + lastPort() + ", free " + freePorts() + "/" + totalPorts() + "]";
    }
}
