package io.rtprelay.srtp;

/**
 * The per-SSRC state of one direction of one {@link SrtpContext} (RFC 3711 §3.2.3: the rollover counter, s_l and
 * replay list belong to the SSRC), in a small array searched linearly with the last hit checked first (a stream
 * normally carries one SSRC). Bounded by a maximum count: a new SSRC beyond it is refused and counted by the caller
 * as {@link SrtpStatus#SSRC_LIMIT}. Entries are allocated when an SSRC is first accepted, never per packet. Owned by
 * the context's thread.
 */
final class SsrcTable {
    private final int[] ssrcs;
    private final SsrcState[] states;
    private final int windowSize;
    private int count;
    private int last;

    /**
     * @param max        the most SSRCs tracked.
     * @param windowSize the replay window of each entry, 0 for a sending table (no replay list).
     */
    SsrcTable(final int max, final int windowSize) {
        this.ssrcs = new int[max];
        this.states = new SsrcState[max];
        this.windowSize = windowSize;
    }

    SsrcState find(final int ssrc) {
        if (count > 0 && ssrcs[last] == ssrc) {
            return states[last];
        }
        for (int i = 0; i < count; i++) {
            if (ssrcs[i] == ssrc) {
                last = i;
                return states[i];
            }
        }
        return null;
    }

    boolean isFull() {
        return count == ssrcs.length;
    }

    /** @return the new entry, or null when full. */
    SsrcState add(final int ssrc) {
        if (isFull()) {
            return null;
        }
        final SsrcState state = new SsrcState(windowSize == 0 ? null : new ReplayWindow(windowSize));
        ssrcs[count] = ssrc;
        states[count] = state;
        last = count++;
        return state;
    }

    SsrcState findOrAdd(final int ssrc) {
        final SsrcState state = find(ssrc);
        return state != null ? state : add(ssrc);
    }

    int size() {
        return count;
    }

    /** One SSRC's state. */
    static final class SsrcState {
        /** Receiving: the replay list, whose highest index is ROC || s_l (RFC 3711 §3.3.1). Sending: null. */
        final ReplayWindow window;
        /** Sending SRTP: the highest packet index sent, ROC || s_l, or -1 before the first. */
        long highest = -1;
        /** Sending SRTCP: the next SRTCP index (RFC 3711 §3.4, starts at 0). */
        long nextSrtcpIndex;

        SsrcState(final ReplayWindow window) {
            this.window = window;
        }
    }
}
