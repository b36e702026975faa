package io.rtprelay.control.cli;

import io.rtprelay.control.call.CallListing;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * rtpengine 10.5's CLI layouts, line for line as the real daemon writes them (observed, see CliDifferentialTest):
 * the one-line and the full session listing, the session counts, the totals and the interfaces. Values this relay
 * does not have are written as rtpengine writes them when the feature is off (kernel forwarding, transcoding,
 * graphite, MOS: zero). Stateless.
 */
final class CliText {
    /** The columns of the totals' {@code Control statistics} table: header and the ng command counted. */
    private static final List<String[]> CONTROL_COLUMNS = List.of(
        new String[] {"Ping", "ping"}, new String[] {"Offer", "offer"}, new String[] {"Answer", "answer"},
        new String[] {"Delete", "delete"}, new String[] {"Query", "query"}, new String[] {"List", "list"},
        new String[] {"StartRec", "start recording"}, new String[] {"StopRec", "stop recording"},
        new String[] {"StartFwd", "start forwarding"}, new String[] {"StopFwd", "stop forwarding"},
        new String[] {"BlkDTMF", "block DTMF"}, new String[] {"UnblkDTMF", "unblock DTMF"},
        new String[] {"BlkMedia", "block media"}, new String[] {"UnblkMedia", "unblock media"},
        new String[] {"PlayMedia", "play media"}, new String[] {"StopMedia", "stop media"},
        new String[] {"PlayDTMF", "play DTMF"}, new String[] {"Stats", "statistics"},
        new String[] {"SlnMedia", "silence media"}, new String[] {"UnslnMedia", "unsilence media"},
        new String[] {"Pub", "publish"}, new String[] {"SubReq", "subscribe request"},
        new String[] {"SubAns", "subscribe answer"}, new String[] {"Unsub", "unsubscribe"});

    private CliText() {
    }

    static String summaries(final List<CallListing.Summary> calls, final String none) {
        if (calls.isEmpty()) {
            return none;
        }
        final StringBuilder sb = new StringBuilder(calls.size() * 160);
        for (final CallListing.Summary s : calls) {
            sb.append(String.format(Locale.ROOT,
                "callid: %60s | deletionmark:%4s | created:%12d | proxy:%s | redis_keyspace:0 | foreign:no%n",
                s.callId(), s.deleting() ? "yes" : "no", s.createdS(), s.proxy()));
        }
        return sb.toString().replace(System.lineSeparator(), "\n");
    }

    static String detail(final CallListing.Detail d) {
        final StringBuilder sb = new StringBuilder(1024);
        final CallListing.Summary s = d.summary();
        sb.append("\ncallid: ").append(s.callId())
            .append("\ndeletionmark: ").append(s.deleting() ? "yes" : "no")
            .append("\ncreated: ").append(s.createdS())
            .append("\nproxy: ").append(s.proxy())
            .append("\ntos: 0")
            .append("\nlast_signal: ").append(d.lastSignalS())
            .append("\nredis_keyspace: 0\nforeign: no\n\n");
        for (final CallListing.Party p : d.parties()) {
            sb.append("--- Tag '").append(p.tag()).append("', type: ").append(p.type())
                .append(", label '', branch '', callduration ")
                .append(p.durationUs() / 1_000_000).append('.')
                .append(String.format(Locale.ROOT, "%06d", p.durationUs() % 1_000_000)).append('\n');
            if (p.peer() != null) {
                sb.append("---     subscribed to '").append(p.peer()).append("'\n");
                sb.append("---     subscription of '").append(p.peer()).append("'\n");
            }
            for (final CallListing.Media m : p.medias()) {
                sb.append("------ Media #").append(m.index()).append(" (").append(m.type()).append(" over ")
                    .append(m.protocol()).append(") using unknown codec\n");
                for (final CallListing.Port port : m.ports()) {
                    sb.append(String.format(Locale.ROOT,
                        "-------- Port %15s:%-5d <> %15s:%-5d%s, SSRC 0, %d p, %d b, %d e, %d ts",
                        port.local(), port.localPort(), port.remote(), port.remotePort(),
                        port.rtcp() ? " (RTCP)" : "", port.packets(), port.bytes(), port.errors(),
                        port.lastPacketS())).append('\n');
                }
            }
        }
        return sb.append('\n').toString();
    }

    static String numSessions(final CallListing.Totals t) {
        return "Current sessions own: " + t.sessions() + "\n"
            + "Current sessions foreign: 0\n"
            + "Current sessions total: " + t.sessions() + "\n"
            + "Current transcoded media: 0\n"
            + "Current sessions ipv4 only media: " + t.ipv4Only() + "\n"
            + "Current sessions ipv6 only media: " + t.ipv6Only() + "\n"
            + "Current sessions ip mixed  media: " + t.mixed() + "\n";
    }

    static String interfaces(final CallListing.Totals t) {
        final StringBuilder sb = new StringBuilder();
        for (final CallListing.Interface i : t.interfaces()) {
            final int total = i.portMax() - i.portMin() + 1;
            sb.append("Interface '").append(i.name()).append("' address '").append(i.address()).append("' (")
                .append(i.ipv6() ? "IPv6" : "IPv4").append(")\n")
                .append(String.format(Locale.ROOT, " Port range: %5d - %5d%n", i.portMin(), i.portMax()))
                .append(String.format(Locale.ROOT, " Ports used: %5d / %5d (%5.1f%%)%n", i.used(), total,
                    100.0 * i.used() / total))
                .append(String.format(Locale.ROOT, " Last port used: %5d%n", i.lastPort()));
        }
        return sb.toString().replace(System.lineSeparator(), "\n");
    }

    static String counters(final RelayRates rates) {
        final StringBuilder sb = new StringBuilder("\nCurrent per-second counters:\n\n");
        rates(sb, rates);
        return sb.toString();
    }

    /** Per-second rates over the last second; every packet is relayed in userspace (kernel: 0). */
    private static void rates(final StringBuilder sb, final RelayRates rates) {
        line(sb, "Packets per second (userspace)", rates.packetsPerS());
        line(sb, "Bytes per second (userspace)", rates.bytesPerS());
        line(sb, "Errors per second (userspace)", rates.errorsPerS());
        for (final String what : List.of("Packets", "Bytes", "Errors")) {
            line(sb, what + " per second (kernel)", "0");
        }
        line(sb, "Packets per second (total)", rates.packetsPerS());
        line(sb, "Bytes per second (total)", rates.bytesPerS());
        line(sb, "Errors per second (total)", rates.errorsPerS());
    }

    static String totals(final CallListing.Totals t, final RelayRates rates,
        final Map<String, Map<String, Long>> bySource) {
        final StringBuilder sb = new StringBuilder(8192);
        sb.append("\nStatistics over currently running sessions:\n\n");
        line(sb, "Owned sessions", t.sessions());
        line(sb, "Foreign sessions", 0);
        line(sb, "Total sessions", t.sessions());
        line(sb, "Transcoded media", 0);
        rates(sb, rates);
        line(sb, "Userspace-only media streams", t.relayingStreams());
        line(sb, "Kernel-only media streams", 0);
        line(sb, "Mixed kernel/userspace media streams", 0);
        final CallListing.Lifetime l = t.lifetime();
        sb.append("\nTotal statistics (does not include current running sessions):\n\n");
        line(sb, "Uptime of rtpengine", l.uptimeS() + " seconds");
        line(sb, "Total managed sessions", l.managed());
        line(sb, "Total rejected sessions", l.rejected());
        line(sb, "Total timed-out sessions via TIMEOUT", l.timeouts());
        line(sb, "Total timed-out sessions via SILENT_TIMEOUT", l.silentTimeouts());
        line(sb, "Total timed-out sessions via FINAL_TIMEOUT", l.finalTimeouts());
        line(sb, "Total timed-out sessions via OFFER_TIMEOUT", 0);
        line(sb, "Total regular terminated sessions", l.regular());
        line(sb, "Total forced terminated sessions", l.forced());
        relayed(sb, " (userspace)", t.packetsRelayed(), t.errors(), t.bytesRelayed());
        relayed(sb, " (kernel)", 0, 0, 0);
        relayed(sb, "", t.packetsRelayed(), t.errors(), t.bytesRelayed());
        line(sb, "Total number of streams with no relayed packets", l.streamsWithoutPackets());
        line(sb, "Total number of 1-way streams", l.oneWayStreams());
        line(sb, "Average call duration", seconds(l.averageDurationS()));
        line(sb, "Total calls duration", seconds(l.totalDurationS()));
        line(sb, "Total calls duration squared", seconds(l.totalDurationSquaredS()) + " squared");
        line(sb, "Total calls duration standard deviation", seconds(l.durationStdDevS()));
        sb.append("\n\nGraphite interval statistics (last reported values to graphite):\n");
        line(sb, "Total calls duration", seconds(0));
        sb.append('\n');
        line(sb, "Min managed sessions", 0);
        line(sb, "Max managed sessions", 0);
        for (final String[] c : CONTROL_COLUMNS) {
            line(sb, "Min/Max/Avg " + c[1] + " processing delay", "0.000000/0.000000/0.000000 sec");
        }
        for (final String[] c : CONTROL_COLUMNS) {
            line(sb, "Min/Max/Avg " + c[1] + " requests per second", "0/0/0 per sec");
        }
        sb.append("\n\nMOS statistics:\n\n");
        line(sb, "Sum of all MOS values sampled", "0.000000");
        line(sb, "Sum of all MOS square values sampled", "0.000000");
        line(sb, "Total number of MOS samples", 0);
        line(sb, "Average MOS", "0.000000");
        line(sb, "MOS standard deviation", "0.000000");
        sb.append("\n\nControl statistics:\n\n");
        sb.append(String.format(Locale.ROOT, "%21s ", "Proxy"));
        for (final String[] c : CONTROL_COLUMNS) {
            sb.append(String.format(Locale.ROOT, "| %10s ", c[0]));
        }
        sb.append('\n');
        for (final Map.Entry<String, Map<String, Long>> proxy : bySource.entrySet()) {
            sb.append(String.format(Locale.ROOT, "%21s ", proxy.getKey()));
            for (final String[] c : CONTROL_COLUMNS) {
                sb.append(String.format(Locale.ROOT, "| %10d ", proxy.getValue().getOrDefault(c[1], 0L)));
            }
            sb.append('\n');
        }
        return sb.append("\n\n\n\n").toString();
    }

    private static void relayed(final StringBuilder sb, final String where, final long packets, final long errors,
        final long bytes) {
        line(sb, "Total relayed packets" + where, packets);
        line(sb, "Total relayed packet errors" + where, errors);
        line(sb, "Total relayed bytes" + where, bytes);
    }

    private static String seconds(final double s) {
        return String.format(Locale.ROOT, "%.6f seconds", s);
    }

    private static void line(final StringBuilder sb, final String label, final long value) {
        line(sb, label, Long.toString(value));
    }

    private static void line(final StringBuilder sb, final String label, final String value) {
        sb.append(' ').append(label);
        for (int i = label.length(); i < 48; i++) {
            sb.append(' ');
        }
        sb.append(':').append(value).append('\n');
    }
}
