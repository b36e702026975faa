package io.rtprelay.control.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A scrape in the Prometheus text format (0.0.4), parsed strictly enough for assertions: every sample line is
 * {@code name[{label="value",...}] value}, label values may hold spaces and escaped quotes; comment lines must be
 * {@code # HELP} or {@code # TYPE}. Samples are keyed {@code name{a="x",b="y"}} with labels sorted by name.
 *
 * @param samples the samples by key.
 * @param types   the {@code # TYPE} of each family named.
 */
record PrometheusText(Map<String, Double> samples, Map<String, String> types) {

    static PrometheusText parse(final String text) {
        final Map<String, Double> samples = new LinkedHashMap<>();
        final Map<String, String> types = new LinkedHashMap<>();
        for (final String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                final String[] parts = line.split(" ", 4);
                if (parts.length < 3 || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    throw new IllegalArgumentException("bad comment line: " + line);
                }
                if (parts[1].equals("TYPE")) {
                    types.put(parts[2], parts[3]);
                }
                continue;
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
                i++;
            }
            final String name = line.substring(0, i);
            if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                throw new IllegalArgumentException("bad metric name in: " + line);
            }
            final Map<String, String> labels = new TreeMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i = labels(line, i + 1, labels);
            }
            if (i >= line.length() || line.charAt(i) != ' ') {
                throw new IllegalArgumentException("no value in: " + line);
            }
            final String[] rest = line.substring(i + 1).split(" ");
            if (samples.put(key(name, labels), Double.parseDouble(rest[0])) != null) {
                throw new IllegalArgumentException("duplicate sample: " + line);
            }
        }
        return new PrometheusText(samples, types);
    }

    /** Parses {@code a="x",b="y"}} from {@code i}; returns the index after the closing brace. */
    private static int labels(final String line, final int start, final Map<String, String> labels) {
        int i = start;
        while (line.charAt(i) != '}') {
            final int eq = line.indexOf('=', i);
            final String label = line.substring(i, eq);
            if (line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("unquoted label value in: " + line);
            }
            final StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (line.charAt(j) != '"') {
                if (line.charAt(j) == '\\') {
                    j++;
                }
                value.append(line.charAt(j));
                j++;
            }
            labels.put(label, value.toString());
            i = j + 1;
            if (line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }

    static String key(final String name, final Map<String, String> labels) {
        final StringBuilder key = new StringBuilder(name);
        if (!labels.isEmpty()) {
            key.append('{');
            String sep = "";
            for (final Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
                key.append(sep).append(e.getKey()).append("=\"").append(e.getValue()).append('"');
                sep = ",";
            }
            key.append('}');
        }
        return key.toString();
    }

    /**
     * @param name   a metric name.
     * @param labels label name, value, name, value...
     * @return the sample's value.
     * @throws AssertionError when there is no such sample.
     */
    double value(final String name, final String... labels) {
        final Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        final Double v = samples.get(key(name, map));
        if (v == null) {
            throw new AssertionError("no sample " + key(name, map) + " among " + samples.keySet());
        }
        return v;
    }

    /** @return each sample's name with its label names (values dropped), e.g. {@code rtpengine_ports{address,name}}. */
    Set<String> shapes() {
        final Set<String> out = new TreeSet<>();
        for (final String key : samples.keySet()) {
            out.add(key.replaceAll("=\"(\\\\.|[^\"\\\\])*\"", ""));
        }
        return out;
    }
}
