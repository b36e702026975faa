package io.rtprelay.bench.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one live-fuzz run and its checks.
 *
 * @param config        what was run.
 * @param fuzzNs        from start to the end of both fuzzers.
 * @param ng            the ng fuzz.
 * @param mediaSent     media packets sent.
 * @param mediaRefused  of them, refused by the kernel at the sender.
 * @param live          the live calls.
 * @param pingsSent     pings sent during the fuzz.
 * @param pingsAnswered of them, answered.
 * @param pingMaxUs     the slowest pong.
 * @param before        /metrics before anything.
 * @param afterFuzz     /metrics after the fuzz calls were deleted, live calls still up.
 * @param after         /metrics after every call was deleted.
 * @param portsFreeLive free ports with the live calls up, before the fuzz.
 * @param freshCall     a new call could be set up after the fuzz.
 * @param extra         further counts (calls left, fuzz calls deleted).
 */
public record LiveFuzzReport(LiveFuzzConfig config, long fuzzNs, NgFuzzResult ng, long mediaSent, long mediaRefused,
    LiveResult live, long pingsSent, long pingsAnswered, long pingMaxUs, Map<String, Double> before,
    Map<String, Double> afterFuzz, Map<String, Double> after, double portsFreeLive, boolean freshCall,
    Map<String, Long> extra) {

    private long delta(final String metric) {
        return Math.round(after.getOrDefault(metric, 0.0) - before.getOrDefault(metric, 0.0));
    }

    /** @return the checks that failed, described; empty when the run passed. */
    public List<String> failures() {
        final List<String> out = new ArrayList<>();
        check(out, ng.unanswered() == 0, ng.unanswered() + " ng datagrams with a cookie never answered");
        check(out, ng.malformed() == 0, ng.malformed() + " malformed replies");
        check(out, ng.answered() == ng.expectingReply(), "answered " + ng.answered() + " of " + ng.expectingReply());
        check(out, delta("rtprelay_ng_ignored_total") == ng.ignoredSent(), "the relay counted "
            + delta("rtprelay_ng_ignored_total") + " ignored datagrams, " + ng.ignoredSent() + " were sent");
        check(out, after.getOrDefault("rtprelay_ng_internal_errors_total", -1.0) == 0.0,
            "rtprelay_ng_internal_errors_total = " + after.get("rtprelay_ng_internal_errors_total"));
        check(out, pingsSent > 0 && pingsAnswered == pingsSent, pingsAnswered + " of " + pingsSent + " pings answered");
        check(out, live.lost() == 0 && live.duplicates() == 0 && live.corrupt() == 0 && live.sent() > 0,
            "live calls: " + live);
        check(out, live.foreign() == 0, live.foreign() + " foreign packets reached a live endpoint");
        check(out, afterFuzz.get("rtpengine_ports_free") != null
            && afterFuzz.get("rtpengine_ports_free") == portsFreeLive, "ports free with the live calls up: "
            + portsFreeLive + " before the fuzz, " + afterFuzz.get("rtpengine_ports_free") + " after");
        check(out, before.get("rtpengine_ports_free") != null
            && before.get("rtpengine_ports_free").equals(after.get("rtpengine_ports_free")), "ports free: "
            + before.get("rtpengine_ports_free") + " at start, " + after.get("rtpengine_ports_free") + " at the end");
        check(out, extra.getOrDefault("calls_left", -1L) == 0, extra.get("calls_left") + " calls left at the end");
        check(out, freshCall, "a fresh call after the fuzz failed");
        out.addAll(ng.failures());
        return out;
    }

    /** @return true when every check held. */
    public boolean passed() {
        return failures().isEmpty();
    }

    private static void check(final List<String> out, final boolean ok, final String what) {
        if (!ok) {
            out.add(what);
        }
    }

    /** @return the human-readable report. */
    public String toText() {
        final double s = fuzzNs / 1e9;
        final StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "live fuzz, seed %d, %.1f s%n", config.seed(), s));
        b.append(String.format(Locale.ROOT, "ng: %d datagrams (%.0f/s), %d answered of %d with a cookie, %d without"
                + " (relay counted %d ignored), %d reused cookies, %d fuzzer retransmissions%n", ng.sent(),
            ng.sent() / s, ng.answered(), ng.expectingReply(), ng.ignoredSent(), delta("rtprelay_ng_ignored_total"),
            ng.retransmittedCookies(), ng.retransmissions()));
        b.append("ng results: ").append(ng.results()).append(System.lineSeparator());
        b.append("ng error reasons: ").append(ng.reasons()).append(System.lineSeparator());
        b.append(String.format(Locale.ROOT, "media: %d packets (%.0f/s), %d refused by the sender's kernel%n",
            mediaSent, mediaSent / s, mediaRefused));
        b.append(String.format(Locale.ROOT, "live calls: %d, %d packets sent, %d delivered, %d lost, %d duplicated,"
                + " %d corrupt, %d foreign, %d stray (from fuzz calls' ports)%n", live.calls(), live.sent(),
            live.delivered(), live.lost(), live.duplicates(), live.corrupt(), live.foreign(), live.stray()));
        b.append(String.format(Locale.ROOT, "ping: %d of %d answered, slowest %d us%n", pingsAnswered, pingsSent,
            pingMaxUs));
        b.append(String.format(Locale.ROOT, "ports free: %.0f at start, %.0f at the end; internal errors %.0f;"
                + " relay drops %d; fresh call %s%n", before.getOrDefault("rtpengine_ports_free", -1.0),
            after.getOrDefault("rtpengine_ports_free", -1.0),
            after.getOrDefault("rtprelay_ng_internal_errors_total", -1.0), delta("rtprelay_packets_dropped_total"),
            freshCall ? "ok" : "FAILED"));
        b.append("kernel drops at the live calls' relay sockets (full receive buffers): ")
            .append(extra.get("kernel_drops_at_live_relay_ports")).append(System.lineSeparator());
        for (final String f : live.problems()) {
            b.append("  ").append(f).append(System.lineSeparator());
        }
        final List<String> failed = failures();
        b.append(failed.isEmpty() ? "PASSED" : "FAILED: " + String.join("; ", failed));
        return b.toString();
    }

    /** @return one {@code RESULT key=value ...} line for scripts. */
    public String resultLine() {
        return String.format(Locale.ROOT, "RESULT passed=%s seconds=%.1f ng_sent=%d ng_answered=%d ng_ignored=%d"
                + " internal_errors=%.0f media_sent=%d live_sent=%d live_lost=%d foreign=%d pings=%d/%d"
                + " ports_start=%.0f ports_end=%.0f", passed(), fuzzNs / 1e9, ng.sent(), ng.answered(),
            ng.ignoredSent(), after.getOrDefault("rtprelay_ng_internal_errors_total", -1.0), mediaSent, live.sent(),
            live.lost(), live.foreign(), pingsAnswered, pingsSent, before.getOrDefault("rtpengine_ports_free", -1.0),
            after.getOrDefault("rtpengine_ports_free", -1.0));
    }
}
