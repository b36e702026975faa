package io.rtprelay.control.config;

import io.rtprelay.relay.stream.EndpointLearning;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The relay's configuration, read the way rtpengine reads its own: an INI file ({@code --config-file}, section
 * {@code [rtpengine]} unless {@code --config-section} says otherwise) overridden by command-line options
 * ({@code --key=value}, {@code --key value}, {@code --flag}). Keys and defaults are rtpengine's; rtpengine keys we
 * do not implement are accepted and reported in {@link #warnings()}, as are unknown keys, so an operator's
 * rtpengine.conf never stops the relay from starting.
 *
 * @param interfaces    media interfaces ({@code interface}, repeatable); default 127.0.0.1.
 * @param listenNg      ng control addresses ({@code listen-ng}); default 127.0.0.1:2223.
 * @param portMin       lowest media port ({@code port-min}, default 30000).
 * @param portMax       highest media port ({@code port-max}, default 40000).
 * @param maxSessions   new calls are refused with {@code load limit} beyond this ({@code max-sessions}); -1: none.
 * @param timeoutS      no media for this long deletes the call ({@code timeout}, default 60).
 * @param silentTimeoutS the same for calls whose media is on hold or inactive ({@code silent-timeout}, 3600).
 * @param finalTimeoutS every call is deleted this long after it started ({@code final-timeout}); 0: never.
 * @param deleteDelayS  a deleted call lingers this long ({@code delete-delay}, default 30).
 * @param numThreads    media event loops ({@code num-threads}); default one per core.
 * @param tos           IP TOS/DSCP byte of media packets ({@code tos}, default 0).
 * @param logLevel      syslog-style level 0-7 ({@code log-level}, default 6 = info).
 * @param transport     {@code auto}, {@code io_uring}, {@code epoll} or {@code nio} ({@code transport}, ours).
 * @param cluster       NATS announcements and drain ({@link ClusterConfig}, our keys).
 * @param warnings      what was accepted but ignored, for the log.
 * @param listenHttp    where HTTP ({@code /ping}, {@code /metrics}, {@code /healthz}, {@code /readyz},
 *                      {@code /drain}) is served ({@code listen-http}, rtpengine's syntax); null: no HTTP.
 * @param logFormat     {@code text} (default) or {@code json}, one JSON object a line ({@code log-format}, ours).
 * @param endpointLearning when streams commit to the endpoint they learn ({@code endpoint-learning}: delayed,
 *                      the default, immediate, off, heuristic; see {@link EndpointLearning}).
 * @param recording     call recording ({@link RecordingConfig}: {@code recording-dir}, {@code recording-method},
 *                      {@code recording-format}).
 * @param listenCli     where rtpengine's text CLI ({@code rtpengine-ctl}) is served over TCP ({@code listen-cli},
 *                      rtpengine's syntax: {@code PORT} (every address, as rtpengine) or {@code ADDRESS:PORT});
 *                      null: no CLI.
 * @param kernel        the in-kernel forwarding path (docs/KERNEL.md; {@code kernel}, ours): {@code auto} (the
 *                      default: used when it loads, else the reason is logged once), {@code on} (the relay does not
 *                      start without it) or {@code off}; rtpengine's {@code table = -1} means off.
 * @param kernelTable   rtpengine's {@code table} (default 0): the kernel path's tc filter handle, one per relay in
 *                      a network namespace.
 */
public record RelayConfig(
    List<InterfaceSpec> interfaces,
    List<InetSocketAddress> listenNg,
    int portMin,
    int portMax,
    int maxSessions,
    int timeoutS,
    int silentTimeoutS,
    int finalTimeoutS,
    int deleteDelayS,
    int numThreads,
    int tos,
    int logLevel,
    String transport,
    ClusterConfig cluster,
    List<String> warnings,
    InetSocketAddress listenHttp,
    String logFormat,
    EndpointLearning endpointLearning,
    RecordingConfig recording,
    InetSocketAddress listenCli,
    String kernel,
    int kernelTable) {

    /** rtpengine options that take no value. */
    private static final Set<String> BOOLEAN_KEYS = Set.of(
        "foreground", "no-fallback", "log-stderr", "no-log-timestamps", "no-redis-required", "reject-invalid-sdp",
        "dtls-passive", "save-rtcp", "nftables-status", "skip-recording-db", "log-srtp-keys", "https-only",
        "mos-dtx", "poller-per-thread", "dtx-cn-params", "amr-dtx", "http-allow-origin", "io-uring", "help",
        "version", "audio-buffer");

    /** rtpengine options we accept and do not act on (yet): starting with an operator's file must work. */
    private static final Set<String> IGNORED_KEYS = Set.of(
        "no-fallback", "foreground", "pidfile", "log-stderr", "log-facility", "log-facility-cdr",
        "log-facility-rtcp", "log-facility-dtmf", "no-log-timestamps", "log-mark-prefix", "log-mark-suffix",
        "listen-tcp", "listen-udp", "listen-https", "listen-tcp-ng", "http-threads",
        "media-num-threads", "codec-num-threads", "redis", "redis-write", "redis-num-threads", "redis-expires",
        "redis-db", "iptables-chain", "dtls-passive",
        "homer", "homer-protocol", "homer-id", "graphite", "graphite-interval", "graphite-prefix", "b2b-url",
        "xmlrpc-format", "sip-source", "dtx-delay", "max-load", "max-cpu", "max-bandwidth", "control-tos",
        "delete-delay-mode", "scheduling", "priority", "idle-scheduling", "idle-priority",
        "nftables-chain", "nftables-base-chain", "nftables-append", "nftables-family", "nftables-start",
        "nftables-stop", "dtls-cert-cipher", "dtls-rsa-key-size", "dtls-ciphers", "dtls-signature",
        "dtls-mtu", "janus-secret", "mysql-host", "mysql-port", "mysql-user", "mysql-pass", "mysql-query",
        "reject-invalid-sdp", "port-min-http", "cert-file", "https-cert", "https-key", "no-redis-required",
        "templates", "socket-cpu-affinity", "rtcp-interval", "mos", "measure-rtp", "log-level-internals",
        "log-level-core", "log-level-spandsp", "log-level-ffmpeg", "log-level-transcoding", "log-level-codec",
        "log-level-rtcp", "log-level-ice", "log-level-crypto", "log-level-srtp", "log-level-http",
        "log-level-control", "log-level-dtx", "log-level-mqtt");

    private static final Set<String> KNOWN_KEYS = Set.of(
        "interface", "listen-ng", "port-min", "port-max", "max-sessions", "timeout", "silent-timeout",
        "final-timeout", "delete-delay", "num-threads", "tos", "log-level", "transport", "config-file",
        "config-section", "listen-http", "log-format", "endpoint-learning", "listen-cli",
        "kernel", "table");

    /**
     * Parses command-line arguments, reading the config file they name first.
     *
     * @param args the command line.
     * @return the configuration.
     * @throws ConfigException when a value cannot be used.
     */
    public static RelayConfig parse(final String... args) throws ConfigException {
        final Map<String, List<String>> cli = new LinkedHashMap<>();
        final List<String> warnings = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            final String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "': options are --key=value");
            }
            final int eq = arg.indexOf('=');
            final String key;
            final String value;
            if (eq > 0) {
                key = normalise(arg.substring(2, eq));
                value = arg.substring(eq + 1);
            } else {
                key = normalise(arg.substring(2));
                if (BOOLEAN_KEYS.contains(key) || i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    value = "true";
                } else {
                    value = args[++i];
                }
            }
            cli.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        final Map<String, List<String>> merged = new LinkedHashMap<>();
        final String file = last(cli, "config-file");
        if (file != null && !file.equals("none")) {
            final String section = last(cli, "config-section");
            merged.putAll(readIni(Path.of(file), section == null ? "rtpengine" : section));
        }
        merged.putAll(cli);
        return fromKeys(merged, warnings);
    }

    private static RelayConfig fromKeys(final Map<String, List<String>> keys, final List<String> warnings)
        throws ConfigException {
        for (final String key : keys.keySet()) {
            if (IGNORED_KEYS.contains(key)) {
                warnings.add("rtpengine option '" + key + "' is accepted and has no effect here");
            } else if (!KNOWN_KEYS.contains(key) && !ClusterConfig.KEYS.contains(key)
                && !RecordingConfig.KEYS.contains(key)) {
                warnings.add("unknown option '" + key + "' ignored");
            }
        }
        final List<InterfaceSpec> interfaces = new ArrayList<>();
        for (final String value : keys.getOrDefault("interface", List.of("127.0.0.1"))) {
            for (final String part : value.split("[;,]")) {
                if (!part.isBlank()) {
                    interfaces.addAll(InterfaceSpec.parse(part));
                }
            }
        }
        final List<InetSocketAddress> listenNg = new ArrayList<>();
        for (final String value : keys.getOrDefault("listen-ng", List.of("127.0.0.1:2223"))) {
            listenNg.add(parseListen("listen-ng", value));
        }
        final int portMin = integer(keys, "port-min", 30_000, 1, 65_535);
        final int portMax = integer(keys, "port-max", 40_000, 1, 65_535);
        if (portMax < portMin + 1) {
            throw new ConfigException("port-max (" + portMax + ") must be above port-min (" + portMin + ")");
        }
        final int cores = Runtime.getRuntime().availableProcessors();
        final String transport = last(keys, "transport");
        if (transport != null && !Set.of("auto", "io_uring", "epoll", "nio").contains(transport)) {
            throw new ConfigException("transport '" + transport + "': expected auto, io_uring, epoll or nio");
        }
        final String listenHttp = last(keys, "listen-http");
        final String listenCli = last(keys, "listen-cli");
        final String logFormat = last(keys, "log-format");
        if (logFormat != null && !Set.of("text", "json").contains(logFormat)) {
            throw new ConfigException("log-format '" + logFormat + "': expected text or json");
        }
        final String learning = last(keys, "endpoint-learning");
        final EndpointLearning endpointLearning;
        try {
            endpointLearning = learning == null ? EndpointLearning.DELAYED : EndpointLearning.of(learning);
        } catch (final IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        final RecordingConfig recording = RecordingConfig.fromKeys(keys, warnings);
        final int table = integer(keys, "table", 0, -1, 65_535);
        String kernel = last(keys, "kernel");
        if (kernel == null) {
            kernel = table < 0 ? "off" : "auto";
        } else if (!Set.of("auto", "on", "off").contains(kernel)) {
            throw new ConfigException("kernel '" + kernel + "': expected auto, on or off");
        }
        return new RelayConfig(
            List.copyOf(interfaces),
            List.copyOf(listenNg),
            portMin,
            portMax,
            integer(keys, "max-sessions", -1, -1, Integer.MAX_VALUE),
            integer(keys, "timeout", 60, 0, Integer.MAX_VALUE),
            integer(keys, "silent-timeout", 3600, 0, Integer.MAX_VALUE),
            integer(keys, "final-timeout", 0, 0, Integer.MAX_VALUE),
            integer(keys, "delete-delay", 30, 0, Integer.MAX_VALUE),
            integer(keys, "num-threads", cores, 1, 1024),
            integer(keys, "tos", 0, 0, 255),
            integer(keys, "log-level", 6, 0, 7),
            transport == null ? "auto" : transport,
            ClusterConfig.fromKeys(keys),
            List.copyOf(warnings),
            listenHttp == null || listenHttp.isBlank() ? null : parseListen("listen-http", listenHttp),
            logFormat == null ? "text" : logFormat,
            endpointLearning,
            recording,
            listenCli == null || listenCli.isBlank() ? null : parseListen("listen-cli", listenCli),
            kernel,
            Math.max(table, 0));
    }

    /**
     * Reads one section of an INI file as rtpengine (GLib's key files) does: {@code key = value}, {@code #} and
     * {@code ;} comments, repeated lists separated by {@code ;}.
     *
     * @param file    the file.
     * @param section the section to read.
     * @return the keys of that section.
     * @throws ConfigException when the file cannot be read or the section is missing.
     */
    static Map<String, List<String>> readIni(final Path file, final String section) throws ConfigException {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new ConfigException("config-file '" + file + "': cannot read: " + e.getMessage());
        }
        final Map<String, List<String>> keys = new LinkedHashMap<>();
        boolean inSection = false;
        boolean sawSection = false;
        int lineNo = 0;
        for (final String raw : lines) {
            lineNo++;
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new ConfigException("config-file '" + file + "' line " + lineNo + ": bad section header");
                }
                inSection = line.substring(1, line.length() - 1).strip().equals(section);
                sawSection |= inSection;
                continue;
            }
            final int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("config-file '" + file + "' line " + lineNo + ": expected key = value");
            }
            if (inSection) {
                final String key = normalise(line.substring(0, eq).strip());
                final List<String> values = new ArrayList<>();
                for (final String v : line.substring(eq + 1).strip().split(";")) {
                    if (!v.isBlank()) {
                        values.add(v.strip());
                    }
                }
                keys.put(key, values.isEmpty() ? List.of("") : values);
            }
        }
        if (!sawSection) {
            throw new ConfigException("config-file '" + file + "' has no [" + section + "] section");
        }
        return keys;
    }

    private static String normalise(final String key) {
        return key.replace('_', '-').replace(' ', '-');
    }

    static String last(final Map<String, List<String>> keys, final String key) {
        final List<String> values = keys.get(key);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    static int integer(final Map<String, List<String>> keys, final String key, final int dflt,
        final int min, final int max) throws ConfigException {
        final String value = last(keys, key);
        if (value == null) {
            return dflt;
        }
        try {
            final int parsed = Integer.parseInt(value.strip());
            if (parsed < min || parsed > max) {
                throw new ConfigException(key + " '" + value + "': must be between " + min + " and " + max);
            }
            return parsed;
        } catch (final NumberFormatException e) {
            throw new ConfigException(key + " '" + value + "': not a number");
        }
    }

    /**
     * Parses rtpengine's listen syntax: {@code PORT}, {@code ADDRESS:PORT} or {@code [IPV6]:PORT}.
     *
     * @param key   the option, for messages.
     * @param value its value.
     * @return the address to bind; a bare port means every address, as in rtpengine (the wildcard, which the ng
     *         server splits into one socket per local address so replies leave from the address asked).
     * @throws ConfigException when it cannot be parsed.
     */
    static InetSocketAddress parseListen(final String key, final String value) throws ConfigException {
        final String v = value.strip();
        String host;
        String port;
        if (v.startsWith("[")) {
            final int close = v.indexOf("]:");
            if (close < 0) {
                throw new ConfigException(key + " '" + value + "': expected [ADDRESS]:PORT");
            }
            host = v.substring(1, close);
            port = v.substring(close + 2);
        } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            host = v.substring(0, v.indexOf(':'));
            port = v.substring(v.indexOf(':') + 1);
        } else if (v.chars().allMatch(Character::isDigit)) {
            host = "0.0.0.0";
            port = v;
        } else {
            throw new ConfigException(key + " '" + value + "': expected PORT, ADDRESS:PORT or [IPV6]:PORT");
        }
        try {
            final int p = Integer.parseInt(port);
            if (p < 1 || p > 65_535) {
                throw new ConfigException(key + " '" + value + "': port out of range");
            }
            final String bare = host.isEmpty() ? "0.0.0.0" : host;
            if (!bare.chars().allMatch(c -> c == '.' || c == ':' || Character.digit(c, 16) >= 0)) {
                throw new ConfigException(key + " '" + value + "': '" + host + "' is not an IP address");
            }
            return new InetSocketAddress(InetAddress.getByName(bare), p);
        } catch (final NumberFormatException | UnknownHostException e) {
            throw new ConfigException(key + " '" + value + "': " + e.getMessage());
        }
    }
}
