package io.rtprelay.bench.load;

import org.HdrHistogram.Histogram;

/**
 * One-way latencies of one event loop's received packets, in nanoseconds, kept in an HdrHistogram (3 significant
 * digits, up to {@value #MAX_NS} ns; longer values are recorded as the maximum and counted). Recording allocates
 * nothing. Single writer: the loop that receives; {@link #copy()} runs on that loop too, and the copies are merged
 * by the run's control thread.
 */
public final class LatencyRecorder {
    /** The longest latency told apart: 10 s. */
    public static final long MAX_NS = 10_000_000_000L;

    private final Histogram histogram;
    private long clipped;

    /** An empty recorder. */
    public LatencyRecorder() {
        this(new Histogram(MAX_NS, 3), 0);
    }

    private LatencyRecorder(final Histogram histogram, final long clipped) {
        this.histogram = histogram;
        this.clipped = clipped;
    }

    /** @param latencyNs one packet's receive time minus its send time. */
    public void record(final long latencyNs) {
        if (latencyNs > MAX_NS) {
            clipped++;
            histogram.recordValue(MAX_NS);
        } else {
            histogram.recordValue(Math.max(0, latencyNs));
        }
    }

    /** @return a copy, to read or merge on another thread. */
    public LatencyRecorder copy() {
        return new LatencyRecorder(histogram.copy(), clipped);
    }

    /** @param other another loop's copy, added to this one. */
    public void add(final LatencyRecorder other) {
        histogram.add(other.histogram);
        clipped += other.clipped;
    }

    /** Forgets every value. */
    public void reset() {
        histogram.reset();
        clipped = 0;
    }

    /** @return values recorded. */
    public long count() {
        return histogram.getTotalCount();
    }

    /** @return values longer than {@link #MAX_NS}. */
    public long clipped() {
        return clipped;
    }

    /**
     * @param percentile 0..100.
     * @return the latency at that percentile, in microseconds (0 when empty).
     */
    public double percentileUs(final double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** @return the longest latency, in microseconds. */
    public double maxUs() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue() / 1_000.0;
    }
}
