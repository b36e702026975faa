package io.rtprelay.control.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The relay's place among its peers: NATS capacity announcements and the graceful drain. rtpengine has no such
 * keys; these are ours, read from the same config file section and command line as the rtpengine ones.
 *
 * @param natsServers       {@code nats-servers}: NATS URLs ({@code nats://host:port}, comma-separated, or repeated);
 *                          empty (the default): no NATS, the relay runs on its own.
 * @param subjectPrefix     {@code nats-subject-prefix}: first tokens of every subject (default {@code rtprelay}).
 * @param nodeId            {@code node-id}: this relay's name in subjects and announcements (default: the host
 *                          name, characters other than letters, digits, {@code -} and {@code _} made {@code _}).
 * @param announceIntervalS {@code announce-interval}: seconds between capacity announcements (default 5).
 * @param drainTimeoutS     {@code drain-timeout}: once draining, the process exits at the latest this many seconds
 *                          later, live calls or not (default 3600).
 */
public record ClusterConfig(
    List<String> natsServers,
    String subjectPrefix,
    String nodeId,
    int announceIntervalS,
    int drainTimeoutS) {

    /** The keys read here. */
    static final Set<String> KEYS = Set.of(
        "nats-servers", "nats-subject-prefix", "node-id", "announce-interval", "drain-timeout");

    private static final Set<String> SCHEMES = Set.of("nats", "tls", "opentls", "ws", "wss");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern SUBJECT_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    /** @return whether NATS is configured. */
    public boolean natsEnabled() {
        return !natsServers.isEmpty();
    }

    /**
     * @return the subject capacity announcements are published on: {@code <prefix>.capacity.<node-id>}.
     */
    public String capacitySubject() {
        return subjectPrefix + ".capacity." + nodeId;
    }

    /**
     * @return the subject under which this relay's service endpoints sit: {@code <prefix>.control.<node-id>}.
     */
    public String controlSubject() {
        return subjectPrefix + ".control." + nodeId;
    }

    static ClusterConfig fromKeys(final Map<String, List<String>> keys) throws ConfigException {
        final List<String> servers = new ArrayList<>();
        for (final String value : keys.getOrDefault("nats-servers", List.of())) {
            for (final String part : value.split("[,;\\s]+")) {
                if (!part.isBlank()) {
                    servers.add(natsUrl(part.strip()));
                }
            }
        }
        final String prefix = RelayConfig.last(keys, "nats-subject-prefix");
        final String subjectPrefix = prefix == null ? "rtprelay" : prefix.strip();
        for (final String token : subjectPrefix.split("\\.", -1)) {
            if (!SUBJECT_TOKEN.matcher(token).matches()) {
                throw new ConfigException("nats-subject-prefix '" + subjectPrefix
                    + "': dot-separated tokens of letters, digits, '-' and '_'");
            }
        }
        final String configured = RelayConfig.last(keys, "node-id");
        final String nodeId = configured == null ? hostNodeId() : configured.strip();
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new ConfigException(
                "node-id '" + nodeId + "': 1-128 letters, digits, '-' and '_' (one subject token)");
        }
        return new ClusterConfig(
            List.copyOf(servers),
            subjectPrefix,
            nodeId,
            RelayConfig.integer(keys, "announce-interval", 5, 1, 3600),
            RelayConfig.integer(keys, "drain-timeout", 3600, 0, Integer.MAX_VALUE));
    }

    private static String natsUrl(final String value) throws ConfigException {
        final String url = value.contains("://") ? value : "nats://" + value;
        try {
            final URI uri = new URI(url);
            if (!SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT)) || uri.getHost() == null) {
                throw new ConfigException("nats-servers '" + value + "': expected nats://HOST:PORT");
            }
            return url;
        } catch (final URISyntaxException e) {
            throw new ConfigException("nats-servers '" + value + "': " + e.getMessage());
        }
    }

    /** The kernel's host name (in Kubernetes with host networking: the node's), as one subject token. */
    private static String hostNodeId() {
        String host = null;
        try {
            host = Files.readString(KERNEL_HOSTNAME, StandardCharsets.US_ASCII).strip();
        } catch (final IOException e) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (final IOException ignored) {
                host = null;
            }
        }
        if (host == null || host.isEmpty()) {
            return "rtprelay";
        }
        final String token = host.replaceAll("[^A-Za-z0-9_-]", "_");
        return token.length() > 128 ? token.substring(0, 128) : token;
    }
}
