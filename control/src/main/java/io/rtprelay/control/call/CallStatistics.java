package io.rtprelay.control.call;

import io.rtprelay.control.config.InterfaceSpec;
import io.rtprelay.relay.GlobalCounters;
import io.rtprelay.relay.MediaPlane;
import io.rtprelay.relay.transport.PortPool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lifetime totals of the call registry, reported by the {@code statistics} command under rtpengine's key names
 * ({@code currentstatistics}, {@code totalstatistics}). Written under the conductor's lock only.
 */
public final class CallStatistics {
    private final long startedMs = System.currentTimeMillis();
    private long managed;
    private long rejected;
    private long timeouts;
    private long silentTimeouts;
    private long finalTimeouts;
    private long terminated;
    private long forced;
    private long ended;
    private long totalDurationMs;
    /** Sum of the squared durations, in s², for rtpengine's standard deviation. */
    private double totalDurationSquaredS;
    private long streamsWithoutPackets;
    private long oneWayStreams;

    void rejected() {
        rejected++;
    }

    void timeout() {
        timeouts++;
    }

    void silentTimeout() {
        silentTimeouts++;
    }

    void finalTimeout() {
        finalTimeouts++;
    }

    void terminated() {
        terminated++;
    }

    void forced() {
        forced++;
    }

    /**
     * A call went away; like rtpengine, {@code managedsessions} counts calls when they end.
     *
     * @param durationMs            how long it lasted.
     * @param silentStreams         its media sections in which no party sent a packet.
     * @param oneWay                its media sections in which only one party did.
     */
    void ended(final long durationMs, final int silentStreams, final int oneWay) {
        managed++;
        ended++;
        totalDurationMs += durationMs;
        final double s = durationMs / 1000.0;
        totalDurationSquaredS += s * s;
        streamsWithoutPackets += silentStreams;
        oneWayStreams += oneWay;
    }

    /** @return the counts now, for the CLI. */
    CallListing.Lifetime snapshot() {
        final double n = ended;
        final double totalS = totalDurationMs / 1000.0;
        final double avgS = ended == 0 ? 0 : totalS / n;
        final double variance = ended == 0 ? 0 : Math.max(0, totalDurationSquaredS / n - avgS * avgS);
        return new CallListing.Lifetime((System.currentTimeMillis() - startedMs) / 1000, managed, rejected, timeouts,
            silentTimeouts, finalTimeouts, terminated, forced, streamsWithoutPackets, oneWayStreams, avgS, totalS,
            totalDurationSquaredS, Math.sqrt(variance));
    }


    Map<String, Object> describe(final Collection<Call> calls, final List<InterfaceSpec> interfaces,
        final MediaPlane media) {
        final GlobalCounters counters = media.counters();
        final Map<String, Object> current = new LinkedHashMap<>();
        current.put("sessionsown", (long)calls.size());
        current.put("sessionsforeign", 0L);
        current.put("sessionstotal", (long)calls.size());
        current.put("transcodedmedia", 0L);
        current.put("ports", (long)media.ports().totalPorts());
        current.put("portsfree", (long)media.ports().freePorts());
        final Map<String, Object> total = new LinkedHashMap<>();
        total.put("uptime", (System.currentTimeMillis() - startedMs) / 1000);
        total.put("managedsessions", managed);
        total.put("rejectedsessions", rejected);
        total.put("timeoutsessions", timeouts);
        total.put("silenttimeoutsessions", silentTimeouts);
        total.put("finaltimeoutsessions", finalTimeouts);
        total.put("regularterminatedsessions", terminated);
        total.put("forcedterminatedsessions", forced);
        total.put("relayedpackets", counters.packetsRelayed());
        total.put("relayedbytes", counters.bytesRelayed());
        total.put("relayedpacketerrors", counters.errors());
        total.put("avgcallduration",
            String.format(Locale.ROOT, "%.6f", ended == 0 ? 0.0 : totalDurationMs / 1000.0 / ended));
        final Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("currentstatistics", current);
        stats.put("totalstatistics", total);
        stats.put("interfaces", interfaces(calls, interfaces, media));
        return stats;
    }

    /**
     * rtpengine's {@code interfaces} list: per configured interface its address and port usage. The port range is
     * one pool shared by all interfaces here (a port number is taken on every local address at once), so
     * {@code free} is the pool's; {@code used} counts the ports this interface's sockets hold.
     */
    private static List<Object> interfaces(final Collection<Call> calls, final List<InterfaceSpec> interfaces,
        final MediaPlane media) {
        final Map<InterfaceSpec, Long> used = new HashMap<>();
        for (final Call call : calls) {
            for (final Monologue m : call.parties) {
                for (final MediaSession session : m.medias) {
                    if (session.sockets != null && m.iface != null) {
                        used.merge(m.iface, 2L, Long::sum);
                    }
                }
            }
        }
        final PortPool pool = media.ports();
        final List<Object> out = new ArrayList<>();
        for (final InterfaceSpec spec : interfaces) {
            final long inUse = used.getOrDefault(spec, 0L);
            final Map<String, Object> ports = new LinkedHashMap<>();
            ports.put("min", (long)pool.firstPort());
            ports.put("max", (long)pool.lastPort());
            ports.put("used", inUse);
            ports.put("used_pct", String.format(Locale.ROOT, "%.2f", 100.0 * inUse / pool.totalPorts()));
            ports.put("free", (long)pool.freePorts());
            ports.put("totals", (long)pool.totalPorts());
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", spec.name());
            entry.put("address", spec.advertisedText());
            entry.put("ports", ports);
            out.add(entry);
        }
        return out;
    }
}
