package io.rtprelay.control.call;

import io.rtprelay.relay.MediaPlane;
import io.rtprelay.relay.GlobalCounters;

import java.util.Collection;
import java.util.LinkedHashMap;
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
    private long ended;
    private long totalDurationMs;

    void managed() {
        managed++;
    }

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

    void ended(final long durationMs) {
        ended++;
        totalDurationMs += durationMs;
    }


    Map<String, Object> describe(final Collection<Call> calls, final MediaPlane media) {
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
        total.put("forcedterminatedsessions", 0L);
        total.put("relayedpackets", counters.packetsRelayed());
        total.put("relayedbytes", counters.bytesRelayed());
        total.put("relayedpacketerrors", counters.errors());
        total.put("avgcallduration", ended == 0 ? "0.000000" : String.format("%.6f", totalDurationMs / 1000.0 / ended));
        final Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("currentstatistics", current);
        stats.put("totalstatistics", total);
        return stats;
    }
}
