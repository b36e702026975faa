package io.rtprelay.control.cli;

import io.rtprelay.control.call.CallConductor;
import io.rtprelay.control.call.CallListing;
import io.rtprelay.control.cli.CliCommand.ParamsMode;
import io.rtprelay.control.cli.CliCommand.Scope;
import io.rtprelay.control.config.InterfaceSpec;
import io.rtprelay.control.config.RelayConfig;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs one CLI line against the relay and answers in rtpengine's text: the one place CLI errors are caught (a
 * failure becomes {@value #INTERNAL_ERROR}, counted and logged). Reads go through the call conductor's
 * synchronized snapshot methods (held for microseconds, formatting happens after), writes through its setters and
 * terminate methods, exactly as ng's handlers reach it; nothing here touches a stream or an event loop.
 *
 * <p>Thread-safe: the CLI server runs lines on its own threads; {@code params} state (the start values) is
 * immutable and the live values are the conductor's volatile fields.
 */
public final class CliCommandAdapter {
    /** Our answer when running a command failed unexpectedly (a bug). */
    public static final String INTERNAL_ERROR = "Internal error.\n";

    private static final Logger LOG = LoggerFactory.getLogger(CliCommandAdapter.class);

    private final CallConductor conductor;
    private final RelayConfig config;
    private final Supplier<Map<String, Map<String, Long>>> controlStatistics;
    private final String cliAddress;
    private final String cliAddressV6;
    private final RelayRates rates;
    private volatile long internalErrors;

    /**
     * @param conductor         the calls and their limits.
     * @param config            the configuration at start ({@code params start}).
     * @param controlStatistics ng requests by client address and command (the totals' control table).
     * @param cliAddress        where the CLI listens, as {@code params} lists it.
     * @param rates             the per-second rates, sampled by the caller once a second.
     */
    public CliCommandAdapter(final CallConductor conductor, final RelayConfig config,
        final Supplier<Map<String, Map<String, Long>>> controlStatistics, final InetSocketAddress cliAddress,
        final RelayRates rates) {
        this.conductor = conductor;
        this.rates = rates;
        this.config = config;
        this.controlStatistics = controlStatistics;
        this.cliAddress = cliAddress == null ? "" : text(cliAddress);
        // a bare port listens on both families (the JDK's wildcard socket is dual-stack), listed as rtpengine does
        final boolean wildcard = cliAddress != null && cliAddress.getAddress() != null
            && cliAddress.getAddress().isAnyLocalAddress() && !(cliAddress.getAddress() instanceof Inet6Address);
        this.cliAddressV6 = wildcard ? "[::]:" + cliAddress.getPort() : "";
    }

    /**
     * Answers one line. Never throws.
     *
     * @param line the line without its line end.
     * @return the whole answer, possibly empty.
     */
    public String onLine(final String line) {
        try {
            return run(CliParser.parse(line));
        } catch (final RuntimeException e) {
            internalErrors++;
            LOG.error("CLI command failed unexpectedly: {}", abbreviate(line), e);
            return INTERNAL_ERROR;
        }
    }

    /** @return commands that failed unexpectedly. */
    public long internalErrors() {
        return internalErrors;
    }

    private String run(final CliCommand command) {
        return switch (command) {
            case CliCommand.Reply r -> r.text();
            case CliCommand.NumSessions n -> CliText.numSessions(conductor.totals());
            case CliCommand.MaxSessions m ->
                "Maximum sessions configured on rtpengine: " + conductor.maxSessions() + "\n";
            case CliCommand.Sessions s -> sessions(s.scope());
            case CliCommand.Session s -> session(s.callId());
            case CliCommand.Totals t -> CliText.totals(conductor.totals(), rates, controlStatistics.get());
            case CliCommand.Counters c -> CliText.counters(rates);
            case CliCommand.Interfaces i -> CliText.interfaces(conductor.totals());
            case CliCommand.ShowValue v -> switch (v.value()) {
                case TIMEOUT -> "TIMEOUT=" + conductor.timeoutS() + "\n";
                case SILENT_TIMEOUT -> "SILENT_TIMEOUT=" + conductor.silentTimeoutS() + "\n";
                case FINAL_TIMEOUT -> "FINAL_TIMEOUT=" + conductor.finalTimeoutS() + "\n";
                case DELETE_DELAY -> config.deleteDelayS() + "\n";
            };
            case CliCommand.SetMaxSessions s -> setMaxSessions(s.limit());
            case CliCommand.SetTimeout s -> setTimeout(s);
            case CliCommand.Terminate t -> conductor.terminate(t.callId())
                ? "\nCall Id (" + t.callId() + ") successfully terminated by operator.\n\n"
                : "\nCall Id not found (" + t.callId() + ").\n\n";
            case CliCommand.TerminateAll t -> terminateAll(t.scope());
            case CliCommand.Params p -> params(p.mode());
        };
    }

    private String sessions(final Scope scope) {
        return switch (scope) {
            case ALL -> CliText.summaries(conductor.summaries(), "No sessions on this media relay.\n");
            case OWN -> CliText.summaries(conductor.summaries(), "No own sessions on this media relay.\n");
            case FOREIGN -> "No foreign sessions on this media relay.\n";
        };
    }

    private String session(final String callId) {
        final CallListing.Detail detail = conductor.detail(callId);
        return detail == null ? "\nCall ID not found (" + callId + ").\n\n" : CliText.detail(detail);
    }

    private String setMaxSessions(final long limit) {
        // rtpengine keeps the low 32 bits of a larger value (2^32 would be 0: a drain); here it means no limit
        conductor.maxSessions((int)Math.min(limit, Integer.MAX_VALUE));
        LOG.info("CLI: max-sessions set to {}", conductor.maxSessions());
        return limit == -1 ? "Success setting maxsessions to -1; disable feature\n"
            : "Success setting maxsessions to " + limit + "\n";
    }

    private String setTimeout(final CliCommand.SetTimeout s) {
        final int seconds = (int)s.seconds();
        switch (s.which()) {
            case TIMEOUT -> conductor.timeoutS(seconds);
            case SILENT_TIMEOUT -> conductor.silentTimeoutS(seconds);
            default -> conductor.finalTimeoutS(seconds);
        }
        LOG.info("CLI: {} set to {} s", s.which(), seconds);
        return "Success setting timeout to " + s.seconds() + "\n";
    }

    private String terminateAll(final Scope scope) {
        return switch (scope) {
            case ALL -> {
                conductor.terminateAll();
                yield "All calls terminated by operator.\n";
            }
            case OWN -> {
                conductor.terminateAll();
                yield "All own calls terminated by operator.\n";
            }
            case FOREIGN -> "All foreign calls terminated by operator.\n";
        };
    }

    private String params(final ParamsMode mode) {
        return switch (mode) {
            case START -> params(true);
            case CURRENT -> params(false);
            case DIFF -> diff();
            case REVERT -> {
                conductor.maxSessions(config.maxSessions());
                conductor.timeoutS(config.timeoutS());
                conductor.silentTimeoutS(config.silentTimeoutS());
                conductor.finalTimeoutS(config.finalTimeoutS());
                LOG.info("CLI: max-sessions and timeouts reverted to their configured values");
                yield "";
            }
        };
    }

    private String diff() {
        final StringBuilder sb = new StringBuilder();
        diff(sb, "max-sessions", config.maxSessions(), conductor.maxSessions());
        diff(sb, "timeout", config.timeoutS(), conductor.timeoutS());
        diff(sb, "silent-timeout", config.silentTimeoutS(), conductor.silentTimeoutS());
        diff(sb, "final-timeout", config.finalTimeoutS(), conductor.finalTimeoutS());
        return sb.toString();
    }

    private static void diff(final StringBuilder sb, final String key, final int start, final int now) {
        if (start != now) {
            sb.append(key).append(": ").append(start).append(" => ").append(now).append('\n');
        }
    }

    /**
     * rtpengine's {@code params} list, key for key in its order. Keys this relay implements carry its values; keys
     * it accepts without acting on them (redis, homer, graphite, recording, kernel table, CPU/load/bandwidth
     * limits, offer timeout) carry rtpengine's values for "not configured".
     */
    private String params(final boolean start) {
        final Map<String, Object> p = new LinkedHashMap<>();
        for (final String sub : List.of("core", "spandsp", "ffmpeg", "transcoding", "codec", "rtcp", "ice",
            "crypto", "srtp")) {
            p.put("log-level-" + sub, config.logLevel());
        }
        p.put("log-level-internals", -1);
        for (final String sub : List.of("http", "control", "dtx")) {
            p.put("log-level-" + sub, config.logLevel());
        }
        p.put("table", -1);
        p.put("max-sessions", start ? config.maxSessions() : conductor.maxSessions());
        p.put("timeout", start ? config.timeoutS() : conductor.timeoutS());
        p.put("silent-timeout", start ? config.silentTimeoutS() : conductor.silentTimeoutS());
        p.put("final-timeout", start ? config.finalTimeoutS() : conductor.finalTimeoutS());
        p.put("offer-timeout", 3600);
        p.put("delete-delay", config.deleteDelayS());
        p.put("redis-expires", 86400);
        p.put("tos", config.tos());
        p.put("control-tos", 0);
        p.put("graphite-interval", 0);
        p.put("redis-num-threads", 4);
        p.put("homer-protocol", 2);
        p.put("homer-id", 2001);
        p.put("no-fallback", 0);
        p.put("port-min", config.portMin());
        p.put("port-max", config.portMax());
        if (start) {
            p.put("redis", ":0/-1");
            p.put("redis-write", ":0/-1");
        } else {
            p.put("redis-db", -1);
            p.put("redis-write-db", -1);
        }
        p.put("no-redis-required", 0);
        p.put("num-threads", config.numThreads());
        p.put("xmlrpc-format", 0);
        p.put("log_format", 0);
        p.put("redis_allowed_errors", -1);
        p.put("redis_disable_time", 10);
        p.put("redis_cmd_timeout", 0);
        p.put("redis_connect_timeout", 1000);
        p.put("max-cpu", "0.0");
        p.put("max-load", "0.00");
        p.put(start ? "max-bandwidth" : "max-bw", 0);
        final StringBuilder sb = new StringBuilder(2048);
        for (final Map.Entry<String, Object> e : p.entrySet()) {
            sb.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        final List<InterfaceSpec> ifaces = config.interfaces();
        for (int i = 0; i < ifaces.size(); i++) {
            final InterfaceSpec spec = ifaces.get(i);
            final String local = NetUtil.toAddressString(spec.local());
            final String advertised = spec.advertisedText();
            sb.append("interface[").append(i).append("] = ").append(spec.name()).append('\\').append(local)
                .append(' ').append(advertised.equals(local) ? "" : advertised).append('\n');
        }
        for (final String key : List.of("b2b_url", "redis-auth", "redis-write-auth", "recording-dir")) {
            sb.append(key).append(" = (null)\n");
        }
        sb.append("recording-method = pcap\nrecording-format = raw\niptables-chain = (null)\n");
        sb.append("listen-tcp = \nlisten-tcp = \nlisten-udp = \nlisten-udp = \n");
        final List<InetSocketAddress> ng = config.listenNg();
        sb.append("listen-ng = ").append(ng.isEmpty() ? "" : text(ng.get(0))).append('\n');
        sb.append("listen-ng = ").append(ng.size() > 1 ? text(ng.get(1)) : "").append('\n');
        sb.append("listen-cli = ").append(cliAddress).append('\n');
        sb.append("listen-cli = ").append(cliAddressV6).append('\n');
        return sb.toString();
    }

    private static String text(final InetSocketAddress a) {
        final String host = NetUtil.toAddressString(a.getAddress());
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String abbreviate(final String line) {
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
