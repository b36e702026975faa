package io.rtprelay.control.cli;

import io.rtprelay.relay.GlobalCounters;

/**
 * The per-second rates of rtpengine's CLI ({@code Packets per second (userspace)} and its siblings in
 * {@code list totals} and {@code list counters}): the media plane's relayed packets, bytes and drops over the last
 * second, as rtpengine's one-second statistics tick measures them. Reads the single-writer counters without locks.
 *
 * <p>Threads: {@link #sample(long)} on one timer thread, about once a second; the rates from any thread.
 */
public final class RelayRates {
    private static final double NS_PER_S = 1e9;

    private final GlobalCounters counters;
    private long lastNs;
    private long lastPackets;
    private long lastBytes;
    private long lastErrors;
    private volatile long packetsPerS;
    private volatile long bytesPerS;
    private volatile long errorsPerS;

    /**
     * @param counters the media plane's counters.
     * @param nowNs    {@code System.nanoTime()} now: the first interval starts here.
     */
    public RelayRates(final GlobalCounters counters, final long nowNs) {
        this.counters = counters;
        this.lastNs = nowNs;
        this.lastPackets = counters.packetsRelayed();
        this.lastBytes = counters.bytesRelayed();
        this.lastErrors = counters.errors();
    }

    /**
     * Ends an interval: the rates become what the counters moved since the previous call, per second.
     *
     * @param nowNs {@code System.nanoTime()} now.
     */
    public void sample(final long nowNs) {
        final long elapsedNs = nowNs - lastNs;
        if (elapsedNs <= 0) {
            return;
        }
        final long packets = counters.packetsRelayed();
        final long bytes = counters.bytesRelayed();
        final long errors = counters.errors();
        final double perS = NS_PER_S / elapsedNs;
        packetsPerS = Math.round((packets - lastPackets) * perS);
        bytesPerS = Math.round((bytes - lastBytes) * perS);
        errorsPerS = Math.round((errors - lastErrors) * perS);
        lastNs = nowNs;
        lastPackets = packets;
        lastBytes = bytes;
        lastErrors = errors;
    }

    /** @return packets relayed per second over the last interval. */
    public long packetsPerS() {
        return packetsPerS;
    }

    /** @return bytes relayed per second over the last interval. */
    public long bytesPerS() {
        return bytesPerS;
    }

    /** @return packets dropped per second over the last interval. */
    public long errorsPerS() {
        return errorsPerS;
    }
}
