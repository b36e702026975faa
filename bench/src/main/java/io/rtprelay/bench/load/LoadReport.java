package io.rtprelay.bench.load;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of one load run: what was set up, what the measured window delivered, how late, what the relay
 * spent on it, and whether the generator itself kept up. Immutable.
 *
 * @param target            the relay's ng address, or "direct".
 * @param callsRequested    calls asked for.
 * @param callsEstablished  calls whose offer and answer succeeded.
 * @param setupFailures     calls that could not be set up.
 * @param deleteFailures    deletes that failed at the end.
 * @param setupSeconds      wall time of the setup.
 * @param ratePps           packets per second per stream.
 * @param payloadBytes      RTP payload size.
 * @param windowSeconds     length of the measured window.
 * @param sentInWindow      packets sent in the window.
 * @param deliveredInWindow distinct window packets received back.
 * @param arrivalsInWindow  packets that arrived while the window was open.
 * @param reordered         window packets that came after a later packet of their stream.
 * @param duplicates        extra copies received.
 * @param foreign           datagrams that were not ours.
 * @param misrouted         packets delivered to the wrong endpoint.
 * @param wrongSource       packets from another port than the relay advertised.
 * @param skipped           packets the generator could not send in time (not loss).
 * @param sendErrors        sends the generator's kernel refused.
 * @param lossyStreams      streams that lost any window packet.
 * @param p50Us             one-way latency, median, microseconds.
 * @param p90Us             90th percentile.
 * @param p99Us             99th percentile.
 * @param p999Us            99.9th percentile.
 * @param maxUs             maximum.
 * @param relayPid          the relay's pid, 0 when not measured.
 * @param relayCores        the relay's CPU use in the window, in cores.
 * @param relayCpuUsPerPacket the relay's CPU microseconds per packet it forwarded in the window (packets that reached
 *                          the generator's sockets in the window, read or dropped there for a full buffer).
 * @param relayRssKb        the relay's resident set at the end of the window.
 * @param relayHwmKb        the relay's peak resident set.
 * @param generatorCores    the generator process's CPU use in the window, in cores.
 * @param generatorMaxLoopLoad the busiest generator loop thread's share of a core in the window.
 * @param maxLagMs          how far the generator fell behind its schedule, at worst.
 * @param generatorDrops    datagrams the kernel dropped at the generator's sockets in the window (buffer full).
 * @param relayDrops        datagrams the kernel dropped at the relay's sockets in the window (buffer full).
 * @param warnings          what makes the figures doubtful (generator saturated, behind schedule, failures).
 */
public record LoadReport(
    String target,
    int callsRequested,
    int callsEstablished,
    int setupFailures,
    int deleteFailures,
    double setupSeconds,
    int ratePps,
    int payloadBytes,
    double windowSeconds,
    long sentInWindow,
    long deliveredInWindow,
    long arrivalsInWindow,
    long reordered,
    long duplicates,
    long foreign,
    long misrouted,
    long wrongSource,
    long skipped,
    long sendErrors,
    int lossyStreams,
    double p50Us,
    double p90Us,
    double p99Us,
    double p999Us,
    double maxUs,
    long relayPid,
    double relayCores,
    double relayCpuUsPerPacket,
    long relayRssKb,
    long relayHwmKb,
    double generatorCores,
    double generatorMaxLoopLoad,
    double maxLagMs,
    long generatorDrops,
    long relayDrops,
    List<String> warnings) {

    /** Copies the warnings. */
    public LoadReport {
        warnings = List.copyOf(warnings);
    }

    /** @return window packets not received back. */
    public long lost() {
        return Math.max(0, sentInWindow - deliveredInWindow);
    }

    /** @return lost / sent in the window, 0..1. */
    public double lossRatio() {
        return sentInWindow == 0 ? 0 : (double)lost() / sentInWindow;
    }

    /** @return distinct packets delivered per second in the window. */
    public double deliveredPps() {
        return deliveredInWindow / windowSeconds;
    }

    /** @return packets sent per second in the window. */
    public double offeredPps() {
        return sentInWindow / windowSeconds;
    }

    /** @return whether the generator's figures are doubtful because it could not keep up. */
    public boolean generatorSaturated() {
        return generatorMaxLoopLoad > LoadGenerator.SATURATION || skipped > 0
            || maxLagMs > LoadGenerator.MAX_LAG_MS || generatorDrops > 0;
    }

    /** @return the report for people. */
    public String toText() {
        final StringBuilder out = new StringBuilder(1_024);
        line(out, "target", "%s", target);
        line(out, "calls", "%d established of %d (%d failed) in %.1f s; %d streams at %d pps, %d-byte payload",
            callsEstablished, callsRequested, setupFailures, setupSeconds, callsEstablished * 2, ratePps,
            payloadBytes);
        line(out, "window", "%.1f s: sent %d (%.0f pps), delivered %d (%.0f pps)", windowSeconds, sentInWindow,
            offeredPps(), deliveredInWindow, deliveredPps());
        line(out, "loss", "%d (%.4f %%), %d streams lossy; reordered %d, duplicates %d", lost(),
            lossRatio() * 100, lossyStreams, reordered, duplicates);
        line(out, "errors", "foreign %d, misrouted %d, wrong source %d, send errors %d, skipped %d", foreign,
            misrouted, wrongSource, sendErrors, skipped);
        line(out, "drops", "kernel receive-buffer drops in the window: at the relay's sockets %d, at the"
            + " generator's %d", relayDrops, generatorDrops);
        line(out, "latency", "one-way p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us", p50Us,
            p90Us, p99Us, p999Us, maxUs);
        if (relayPid > 0) {
            line(out, "relay", "pid %d: %.3f cores, %.2f us CPU per forwarded packet, RSS %.1f MB (peak %.1f MB)",
                relayPid, relayCores, relayCpuUsPerPacket, relayRssKb / 1024.0, relayHwmKb / 1024.0);
        } else {
            line(out, "relay", "%s", "not measured (no --relay-pid)");
        }
        line(out, "generator", "%.3f cores, busiest loop %.0f %% of a core, worst lag %.2f ms%s", generatorCores,
            generatorMaxLoopLoad * 100, maxLagMs, generatorSaturated() ? " -- SATURATED" : "");
        line(out, "deletes", "%d failed", deleteFailures);
        for (final String warning : warnings) {
            line(out, "WARNING", "%s", warning);
        }
        out.append(resultLine()).append('\n');
        return out.toString();
    }

    /** @return one machine-readable line, {@code RESULT key=value ...}, for scripts. */
    public String resultLine() {
        return String.format(Locale.ROOT, "RESULT target=%s calls=%d established=%d rate=%d window_s=%.2f"
                + " sent=%d delivered=%d delivered_pps=%.1f lost=%d loss_pct=%.5f reordered=%d duplicates=%d"
                + " p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f relay_cores=%.4f"
                + " relay_cpu_us_per_pkt=%.3f relay_rss_kb=%d relay_hwm_kb=%d gen_cores=%.3f gen_max_loop=%.3f"
                + " gen_max_lag_ms=%.2f gen_saturated=%b setup_failures=%d delete_failures=%d misrouted=%d"
                + " foreign=%d skipped=%d relay_drops=%d gen_drops=%d",
            target, callsRequested, callsEstablished, ratePps, windowSeconds, sentInWindow, deliveredInWindow,
            deliveredPps(), lost(), lossRatio() * 100, reordered, duplicates, p50Us, p90Us, p99Us, p999Us, maxUs,
            relayCores, relayCpuUsPerPacket, relayRssKb, relayHwmKb, generatorCores, generatorMaxLoopLoad,
            maxLagMs, generatorSaturated(), setupFailures, deleteFailures, misrouted, foreign, skipped, relayDrops,
            generatorDrops);
    }

    private static void line(final StringBuilder out, final String label, final String format,
                             final Object... args) {
        out.append(String.format(Locale.ROOT, "%-10s ", label)).append(String.format(Locale.ROOT, format, args))
            .append('\n');
    }
}
