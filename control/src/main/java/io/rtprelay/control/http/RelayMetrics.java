package io.rtprelay.control.http;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.rtprelay.control.call.CallConductor;
import io.rtprelay.control.ng.NgCommandAdapter;
import io.rtprelay.control.record.RecordingTotals;
import io.rtprelay.relay.GlobalCounters;
import io.rtprelay.relay.MediaPlane;
import io.rtprelay.relay.forward.DropReason;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The relay's Prometheus metrics, in the text exposition format (0.0.4) through the official Prometheus Java client
 * (its data model and text writer). Names and labels follow rtpengine's {@code /metrics} (observed on rtpengine
 * 10.5), so dashboards built for rtpengine keep working; what rtpengine has no name for is under {@code rtprelay_}.
 *
 * <p>rtpengine's series that exist here: {@code rtpengine_sessions{type}}, {@code rtpengine_transcoded_media},
 * {@code rtpengine_mediastreams{type}}, {@code rtpengine_uptime_seconds}, {@code rtpengine_sessions_total},
 * {@code rtpengine_closed_sessions_total{reason}}, {@code rtpengine_packets_total{type}},
 * {@code rtpengine_bytes_total{type}}, {@code rtpengine_packet_errors_total{type}},
 * {@code rtpengine_call_duration_avg}, {@code rtpengine_requests_total{request}},
 * {@code rtpengine_request_seconds_total{request}}, {@code rtpengine_errors_total},
 * {@code rtpengine_ports{name,address}}, {@code rtpengine_ports_used{...}} and {@code rtpengine_ports_free{...}}.
 * Deliberate differences: rtpengine labels the request series with the ng client's address ({@code proxy}); we do
 * not count per client, so that label is absent ({@code sum by (request)} works the same). Values print as
 * floating point ({@code 20.0} where rtpengine prints {@code 20}); Prometheus reads both alike.
 *
 * <p>rtpengine exports a gauge {@code rtpengine_sessions} and a counter {@code rtpengine_sessions_total}; the client's
 * registry refuses that pair (one family name, two types), so the counter is written from a second registry right
 * after the first: the text format output is the same as rtpengine's.
 *
 * <p>Thread: {@link #write} runs on an HTTP thread per scrape. It takes the call conductor's lock for the numbers
 * of the ng {@code statistics} command ({@link CallConductor#statisticsReply()}) and for the recording totals
 * ({@link CallConductor#recordingTotals()}), and reads the data plane's single-writer counters without locks; it never
 * touches an event loop.
 */
public final class RelayMetrics {
    private static final String USERSPACE = "userspace";
    private static final String KERNEL = "kernel";

    private final CallConductor conductor;
    private final MediaPlane media;
    private final NgCommandAdapter adapter;
    private final BooleanSupplier draining;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusRegistry sessionsTotalRegistry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * @param conductor   the calls.
     * @param media       the data plane: counters, ports, transport.
     * @param adapter     the ng dispatcher: requests and errors.
     * @param draining    whether the relay is draining (refusing new calls).
     */
    public RelayMetrics(final CallConductor conductor, final MediaPlane media, final NgCommandAdapter adapter,
        final BooleanSupplier draining) {
        this.conductor = conductor;
        this.media = media;
        this.adapter = adapter;
        this.draining = draining;
        registry.register((MultiCollector)this::collect);
        sessionsTotalRegistry.register((MultiCollector)this::collectSessionsTotal);
    }

    /**
     * @return the registry scraped on {@code /metrics}: other parts (NATS, the JVM) may register collectors of
     *         their own; they are written after ours.
     */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** @return the media type of {@link #write}'s output. */
    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    /**
     * Writes every metric in the Prometheus text format.
     *
     * @param out where to.
     * @throws IOException when writing fails.
     */
    public void write(final OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
        writer.write(out, sessionsTotalRegistry.scrape());
    }

    private MetricSnapshots collectSessionsTotal() {
        final Map<?, ?> total = section(conductor.statisticsReply(), "totalstatistics");
        return MetricSnapshots.of(counter("rtpengine_sessions_total", "Calls managed since start")
            .point(number(total, "managedsessions")).build());
    }

    private MetricSnapshots collect() {
        final Map<String, Object> reply = conductor.statisticsReply();
        final Map<?, ?> current = section(reply, "currentstatistics");
        final Map<?, ?> total = section(reply, "totalstatistics");
        final List<MetricSnapshot> out = new ArrayList<>();
        final double sessions = number(current, "sessionsown");
        out.add(gauge("rtpengine_sessions", "Calls held, by owner", "type")
            .point(sessions, "own").point(number(current, "sessionsforeign"), "foreign").build());
        out.add(gauge("rtpengine_transcoded_media", "Media sections being transcoded")
            .point(number(current, "transcodedmedia")).build());
        final double streams = (media.ports().totalPorts() - media.ports().freePorts()) / 2.0;
        out.add(gauge("rtpengine_mediastreams", "Media streams (socket pairs) relayed, by forwarding path", "type")
            .point(streams, USERSPACE).point(0, KERNEL).point(0, "mixed").build());
        out.add(gauge("rtpengine_uptime_seconds", "Seconds since the relay started")
            .point(number(total, "uptime")).build());
        out.add(counter("rtpengine_closed_sessions", "Calls that ended or were refused, by reason", "reason")
            .point(number(total, "rejectedsessions"), "rejected")
            .point(number(total, "timeoutsessions"), "timeout")
            .point(number(total, "silenttimeoutsessions"), "silent_timeout")
            .point(number(total, "finaltimeoutsessions"), "final_timeout")
            .point(number(total, "offertimeoutsessions"), "offer_timeout")
            .point(number(total, "regularterminatedsessions"), "terminated")
            .point(number(total, "forcedterminatedsessions"), "force_terminated").build());
        final GlobalCounters counters = media.counters();
        out.add(counter("rtpengine_packets", "Packets relayed, by forwarding path", "type")
            .point(counters.packetsRelayed(), USERSPACE).point(0, KERNEL).build());
        out.add(counter("rtpengine_bytes", "Bytes relayed, by forwarding path", "type")
            .point(counters.bytesRelayed(), USERSPACE).point(0, KERNEL).build());
        out.add(counter("rtpengine_packet_errors", "Packets received and not relayed, by forwarding path", "type")
            .point(counters.errors(), USERSPACE).point(0, KERNEL).build());
        out.add(gauge("rtpengine_call_duration_avg", "Average duration of the calls ended, in seconds")
            .point(number(total, "avgcallduration")).build());
        ngMetrics(out);
        portMetrics(out, reply);
        ownMetrics(out, counters, sessions);
        final RecordingTotals recording = conductor.recordingTotals();
        out.add(gauge("rtprelay_recordings", "Calls being recorded (recording-method=pcap)")
            .point(recording.active()).build());
        out.add(counter("rtprelay_recorded_packets", "Packets copied for call recording")
            .point(recording.recorded()).build());
        out.add(counter("rtprelay_recording_dropped_packets", "Packets not recorded: the recording ring was full")
            .point(recording.dropped()).build());
        return new MetricSnapshots(out);
    }

    private void ngMetrics(final List<MetricSnapshot> out) {
        final Family requests = counter("rtpengine_requests", "ng commands handled, by command", "request");
        final Family ours = counter("rtprelay_ng_requests", "ng commands handled, by command", "command");
        for (final Map.Entry<String, Long> e : adapter.requestCounts().entrySet()) {
            requests.point(e.getValue(), e.getKey());
            ours.point(e.getValue(), e.getKey());
        }
        final Family seconds = counter("rtpengine_request_seconds", "Seconds spent handling ng commands", "request");
        for (final Map.Entry<String, Double> e : adapter.requestSeconds().entrySet()) {
            seconds.point(e.getValue(), e.getKey());
        }
        out.add(requests.build());
        out.add(ours.build());
        out.add(seconds.build());
        out.add(counter("rtpengine_errors", "ng requests answered with result error").point(adapter.errors()).build());
        out.add(counter("rtprelay_ng_errors", "ng requests answered with result error")
            .point(adapter.errors()).build());
        out.add(counter("rtprelay_ng_datagrams", "ng request datagrams with a cookie, retransmissions included")
            .point(adapter.requests()).build());
        out.add(counter("rtprelay_ng_retransmissions", "ng requests answered from the reply cache")
            .point(adapter.duplicates()).build());
        out.add(counter("rtprelay_ng_ignored", "ng datagrams without a cookie, not answered")
            .point(adapter.ignored()).build());
        out.add(counter("rtprelay_ng_internal_errors", "ng commands that failed unexpectedly (bugs)")
            .point(adapter.internalErrors()).build());
        out.add(counter("rtprelay_ng_load_limit", "offers refused with result load limit")
            .point(adapter.loadLimits()).build());
    }

    private static void portMetrics(final List<MetricSnapshot> out, final Map<String, Object> reply) {
        final Family ports = gauge("rtpengine_ports", "Media ports of an interface", "name", "address");
        final Family used = gauge("rtpengine_ports_used", "Media ports in use on an interface", "name", "address");
        final Family free = gauge("rtpengine_ports_free", "Media ports free on an interface", "name", "address");
        final Map<?, ?> stats = section(reply, "statistics");
        if (stats.get("interfaces") instanceof List<?> interfaces) {
            for (final Object o : interfaces) {
                if (o instanceof Map<?, ?> iface && iface.get("ports") instanceof Map<?, ?> p) {
                    final String name = String.valueOf(iface.get("name"));
                    final String address = String.valueOf(iface.get("address"));
                    ports.point(number(p, "totals"), name, address);
                    used.point(number(p, "used"), name, address);
                    free.point(number(p, "free"), name, address);
                }
            }
        }
        out.add(ports.build());
        out.add(used.build());
        out.add(free.build());
    }

    private void ownMetrics(final List<MetricSnapshot> out, final GlobalCounters counters, final double sessions) {
        out.add(gauge("rtprelay_transport_info", "The media transport in use", "transport")
            .point(1, media.transportName()).build());
        out.add(counter("rtprelay_packets_received", "Packets read from media sockets, dropped ones included")
            .point(counters.packetsReceived()).build());
        out.add(counter("rtprelay_bytes_received", "Bytes of the packets read from media sockets")
            .point(counters.bytesReceived()).build());
        final Family drops = counter("rtprelay_packets_dropped", "Packets received and not relayed, by reason",
            "reason");
        for (final DropReason reason : DropReason.values()) {
            drops.point(counters.drops(reason), reason.name().toLowerCase(Locale.ROOT));
        }
        out.add(drops.build());
        final boolean isDraining = draining.getAsBoolean();
        out.add(gauge("rtprelay_draining", "1 while the relay refuses new calls and lets live ones end")
            .point(isDraining ? 1 : 0).build());
        // the limit now: the CLI's set maxsessions changes it at run time
        final int maxSessions = conductor.maxSessions();
        out.add(gauge("rtprelay_max_sessions", "The max-sessions limit; -1: none").point(maxSessions).build());
        final double total = media.ports().totalPorts();
        final double portLoad = total <= 0 ? 1 : (total - media.ports().freePorts()) / total;
        final double sessionLoad = maxSessions < 0 ? 0 : maxSessions == 0 ? 1 : sessions / maxSessions;
        out.add(gauge("rtprelay_capacity_used_ratio",
            "The larger of sessions/max-sessions and used/total media ports: 1 is full (the autoscaler's metric)")
            .point(Math.max(portLoad, sessionLoad)).build());
    }

    private static Map<?, ?> section(final Map<?, ?> map, final String key) {
        final Object value = map.get(key);
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        if (map.get("statistics") instanceof Map<?, ?> stats && stats.get(key) instanceof Map<?, ?> m) {
            return m;
        }
        return Map.of();
    }

    /** A number from the statistics reply: a Long, or a decimal string such as {@code avgcallduration}. */
    private static double number(final Map<?, ?> map, final String key) {
        final Object value = map.get(key);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (final NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static Family gauge(final String name, final String help, final String... labelNames) {
        return new Family(name, help, false, labelNames);
    }

    private static Family counter(final String name, final String help, final String... labelNames) {
        return new Family(name, help, true, labelNames);
    }

    /** One metric family being built for a scrape: a gauge or a counter with its data points. */
    private static final class Family {
        private final String[] labelNames;
        private final GaugeSnapshot.Builder gauge;
        private final CounterSnapshot.Builder counter;

        Family(final String name, final String help, final boolean isCounter, final String... labelNames) {
            this.labelNames = labelNames;
            this.gauge = isCounter ? null : GaugeSnapshot.builder().name(name).help(help);
            this.counter = isCounter ? CounterSnapshot.builder().name(name).help(help) : null;
        }

        Family point(final double value, final String... labelValues) {
            final Labels labels = labelNames.length == 0 ? Labels.EMPTY : Labels.of(labelNames, labelValues);
            if (gauge != null) {
                gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
            } else {
                counter.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value)
                    .build());
            }
            return this;
        }

        MetricSnapshot build() {
            return gauge != null ? gauge.build() : counter.build();
        }
    }
}
