package io.rtprelay.control.capacity;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * One capacity announcement: what this relay holds and has room for at one instant. Immutable; {@link #toJson()}
 * is the wire form published on {@code <prefix>.capacity.<node-id>} and answered by the {@code capacity}
 * endpoint (the README documents every field).
 *
 * @param nodeId         {@code node-id}.
 * @param state          {@code ready}, {@code draining} or {@code stopped}.
 * @param version        the relay's version.
 * @param seq            announcement number in this process, from 1 (a consumer sees restarts and gaps).
 * @param timestamp      when it was sampled.
 * @param uptimeS        seconds since the relay started.
 * @param mediaAddresses the media interfaces: local and advertised address.
 * @param ngAddresses    where ng is answered, {@code host:port}.
 * @param calls          live calls.
 * @param streams        media streams with relay ports (one per party per media section).
 * @param maxSessions    {@code max-sessions}, -1 for none.
 * @param callsFree      how many more calls fit: 0 unless ready; else the lower of what {@code max-sessions} and
 *                       the free ports allow, counting a call as one audio stream each way (4 ports).
 * @param portsFree      free media ports.
 * @param portsTotal     media ports in the range.
 * @param rates          packet and byte rates since the previous sample.
 * @param cpuLoad        this process's CPU time over the same interval, as a fraction of all cores (0..1).
 * @param cores          available processors.
 */
public record CapacityReport(
    String nodeId,
    String state,
    String version,
    long seq,
    Instant timestamp,
    long uptimeS,
    List<MediaAddress> mediaAddresses,
    List<String> ngAddresses,
    int calls,
    int streams,
    int maxSessions,
    int callsFree,
    int portsFree,
    int portsTotal,
    Rates rates,
    double cpuLoad,
    int cores) {

    /**
     * A media interface.
     *
     * @param name       its name ({@code default} unless configured).
     * @param local      the address sockets bind.
     * @param advertised the address written into SDP.
     */
    public record MediaAddress(String name, String local, String advertised) {
    }

    /**
     * Rates per second over {@code intervalS}, from the media plane's counters.
     *
     * @param packetsIn      packets received on media ports.
     * @param bytesIn        bytes of those.
     * @param packetsRelayed packets forwarded to the peer.
     * @param bytesRelayed   bytes of those.
     * @param errors         packets dropped.
     * @param intervalS      the interval the rates were measured over (0 for the first sample).
     */
    public record Rates(double packetsIn, double bytesIn, double packetsRelayed, double bytesRelayed, double errors,
        double intervalS) {
    }

    /** @return this report as one JSON object. */
    public String toJson() {
        final StringBuilder b = new StringBuilder(768);
        b.append('{');
        string(b, "node_id", nodeId).append(',');
        string(b, "state", state).append(',');
        string(b, "version", version).append(',');
        b.append("\"seq\":").append(seq).append(',');
        string(b, "timestamp", timestamp.truncatedTo(ChronoUnit.MILLIS).toString()).append(',');
        b.append("\"uptime_s\":").append(uptimeS).append(',');
        b.append("\"media_addresses\":[");
        for (int i = 0; i < mediaAddresses.size(); i++) {
            final MediaAddress a = mediaAddresses.get(i);
            b.append(i == 0 ? "{" : ",{");
            string(b, "interface", a.name()).append(',');
            string(b, "local", a.local()).append(',');
            string(b, "advertised", a.advertised()).append('}');
        }
        b.append("],\"ng_addresses\":[");
        for (int i = 0; i < ngAddresses.size(); i++) {
            quote(b.append(i == 0 ? "" : ","), ngAddresses.get(i));
        }
        b.append("],\"calls\":").append(calls);
        b.append(",\"streams\":").append(streams);
        b.append(",\"capacity\":{\"max_sessions\":").append(maxSessions);
        b.append(",\"calls_free\":").append(callsFree);
        b.append(",\"ports_free\":").append(portsFree);
        b.append(",\"ports_total\":").append(portsTotal);
        b.append("},\"rates\":{");
        number(b, "packets_in", rates.packetsIn()).append(',');
        number(b, "bytes_in", rates.bytesIn()).append(',');
        number(b, "packets_relayed", rates.packetsRelayed()).append(',');
        number(b, "bytes_relayed", rates.bytesRelayed()).append(',');
        number(b, "errors", rates.errors()).append(',');
        number(b, "interval_s", rates.intervalS());
        b.append("},\"cpu\":{");
        number(b, "process_load", cpuLoad).append(',');
        b.append("\"cores\":").append(cores);
        return b.append("}}").toString();
    }

    private static StringBuilder string(final StringBuilder b, final String key, final String value) {
        return quote(quote(b, key).append(':'), value);
    }

    private static StringBuilder number(final StringBuilder b, final String key, final double value) {
        final double finite = Double.isFinite(value) ? value : 0;
        return quote(b, key).append(':').append(String.format(Locale.ROOT, "%.3f", finite));
    }

    private static StringBuilder quote(final StringBuilder b, final String value) {
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
