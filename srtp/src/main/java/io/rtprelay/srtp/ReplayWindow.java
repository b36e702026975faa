package io.rtprelay.srtp;

import java.util.Arrays;

/**
 * The replay list of one SSRC (RFC 3711 §3.3.2): a sliding window of the last {@link #size()} packet indices below
 * the highest authenticated one, as a ring of bits, so each index is accepted once and indices older than the window
 * are rejected. Used for SRTP's 48-bit packet index and for SRTCP's 31-bit index.
 *
 * <p>Bounded: {@code size / 8} bytes whatever the traffic. {@link #accepts(long)} only looks; {@link #accept(long)}
 * records, and is called only after the packet authenticated (no state from an unauthenticated packet). Owned by
 * the thread of its {@link SrtpContext}.
 */
public final class ReplayWindow {
    /** The default window: 128 packets, as libsrtp's (RFC 3711 §3.3.2 asks for at least 64). */
    public static final int DEFAULT_SIZE = 128;
    /** The largest window. */
    public static final int MAX_SIZE = 1024;

    private final long[] bits;
    private final int size;
    private final int wordMask;
    private long highest = -1;

    /**
     * @param size the window in packets: a power of two from 64 to {@link #MAX_SIZE}.
     * @throws IllegalArgumentException otherwise.
     */
    public ReplayWindow(final int size) {
        this.size = checkSize(size);
        this.bits = new long[size >>> 6];
        this.wordMask = bits.length - 1;
    }

    /**
     * @param size a window size in packets.
     * @return the size, if a power of two from 64 to {@link #MAX_SIZE}.
     * @throws IllegalArgumentException otherwise.
     */
    static int checkSize(final int size) {
        if (size < 64 || size > MAX_SIZE || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("replay window of " + size + " packets: use a power of two, 64.."
                + MAX_SIZE);
        }
        return size;
    }

    /** @return the window size in packets. */
    public int size() {
        return size;
    }

    /** @return the highest index accepted, or -1 before the first. */
    public long highest() {
        return highest;
    }

    /**
     * @param index a packet index ({@code >= 0}).
     * @return true if the index is ahead of the window, or inside it and not seen yet.
     */
    public boolean accepts(final long index) {
        if (index > highest) {
            return true;
        }
        if (index < 0 || highest - index >= size) {
            return false;
        }
        return (bits[word(index)] & (1L << index)) == 0;
    }

    /**
     * Records an authenticated index, sliding the window forward if it is the new highest.
     *
     * @param index an index for which {@link #accepts(long)} was true.
     */
    public void accept(final long index) {
        if (index > highest) {
            if (highest < 0 || index - highest >= size) {
                Arrays.fill(bits, 0L);
            } else {
                for (long i = highest + 1; i < index; i++) {
                    bits[word(i)] &= ~(1L << i);
                }
            }
            highest = index;
        }
        bits[word(index)] |= 1L << index;
    }

    /** Forgets everything (a new key or a re-keyed stream). */
    public void reset() {
        Arrays.fill(bits, 0L);
        highest = -1;
    }

    private int word(final long index) {
        return (int) (index >>> 6) & wordMask;
    }
}
