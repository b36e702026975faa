package io.rtprelay.control.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Reads the parts of ng replies the contract fixes. Of a {@code query}: {@code tags} (one entry per monologue,
 * keyed by SIP tag), each with {@code medias}, each with {@code streams}, each with {@code local port},
 * {@code stats.packets} and {@code stats.errors}. Of {@code statistics}:
 * {@code statistics.interfaces[].ports.used}. Numbers may be bencode integers (Long) or the strings a Perl client
 * prints. Stateless; any thread.
 */
final class NgReplies {
    private NgReplies() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> hash(final Map<String, Object> dictionary, final String key) {
        return (Map<String, Object>)assertInstanceOf(Map.class, dictionary.get(key),
            () -> "'" + key + "' is a dictionary in " + dictionary);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(final Map<String, Object> dictionary, final String key) {
        return (List<Object>)assertInstanceOf(List.class, dictionary.get(key),
            () -> "'" + key + "' is a list in " + dictionary);
    }

    /**
     * @param query a query reply.
     * @return every {@code local port} of every stream of every tag.
     */
    static Set<Integer> localPorts(final Map<String, Object> query) {
        final Set<Integer> ports = new TreeSet<>();
        for (final Map<String, Object> stream : streams(query, null)) {
            if (stream.containsKey("local port")) {
                ports.add((int)number(stream.get("local port")));
            }
        }
        return ports;
    }

    /**
     * @param query a query reply.
     * @return per tag, the packets the relay received on that tag's streams.
     */
    static Map<String, Long> packetsByTag(final Map<String, Object> query) {
        final Map<String, Long> packets = new LinkedHashMap<>();
        for (final String tag : hash(query, "tags").keySet()) {
            long sum = 0;
            for (final Map<String, Object> stream : streams(query, tag)) {
                sum += number(hash(stream, "stats").get("packets"));
            }
            packets.put(tag, sum);
        }
        return packets;
    }

    /**
     * @param query a query reply.
     * @return the sum of {@code stats.errors} over every stream of every tag.
     */
    static long errors(final Map<String, Object> query) {
        long sum = 0;
        for (final Map<String, Object> stream : streams(query, null)) {
            final Object errors = hash(stream, "stats").get("errors");
            sum += errors == null ? 0 : number(errors);
        }
        return sum;
    }

    /**
     * @param statistics a statistics reply.
     * @return the sum of {@code ports.used} over {@code statistics.interfaces}.
     */
    @SuppressWarnings("unchecked")
    static long portsUsed(final Map<String, Object> statistics) {
        long used = 0;
        for (final Object anInterface : list(hash(statistics, "statistics"), "interfaces")) {
            used += number(hash((Map<String, Object>)anInterface, "ports").get("used"));
        }
        return used;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> streams(final Map<String, Object> query, final String onlyTag) {
        final List<Map<String, Object>> streams = new ArrayList<>();
        for (final Map.Entry<String, Object> tag : hash(query, "tags").entrySet()) {
            if (onlyTag != null && !onlyTag.equals(tag.getKey())) {
                continue;
            }
            final Map<String, Object> monologue = (Map<String, Object>)tag.getValue();
            for (final Object media : list(monologue, "medias")) {
                for (final Object stream : list((Map<String, Object>)media, "streams")) {
                    streams.add((Map<String, Object>)stream);
                }
            }
        }
        return streams;
    }

    private static long number(final Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            return Long.parseLong(s);
        }
        throw new AssertionError("not a number: " + value);
    }
}
