package io.rtprelay.control.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what Perl's Data::Dumper prints for a decoded ng reply (rtpengine-ng-client prints replies that way):
 * hashes become {@code Map<String, Object>}, arrays {@code List<Object>}, scalars {@code String}, {@code undef}
 * null. Accepts both the terse form ({@code { key => 'v' }}) and the default one ({@code $VAR1 = {...};}).
 * Not thread-safe; one instance per text.
 */
final class PerlDump {
    private final String text;
    private int at;

    private PerlDump(final String text) {
        this.text = text;
    }

    /**
     * @param text one Data::Dumper output.
     * @return the value it shows.
     */
    static Object parse(final String text) {
        final PerlDump reader = new PerlDump(text);
        reader.skipSpace();
        if (reader.text.startsWith("$VAR1", reader.at)) {
            reader.at = reader.text.indexOf('=', reader.at) + 1;
        }
        final Object value = reader.value();
        reader.skipSpace();
        if (reader.at < reader.text.length() && reader.text.charAt(reader.at) == ';') {
            reader.at++;
            reader.skipSpace();
        }
        if (reader.at != reader.text.length()) {
            throw reader.error("trailing text");
        }
        return value;
    }

    /**
     * @param text one Data::Dumper output of a hash.
     * @return the hash.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseHash(final String text) {
        final Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("not a hash: " + text);
        }
        return (Map<String, Object>)value;
    }

    private Object value() {
        skipSpace();
        if (at >= text.length()) {
            throw error("value expected");
        }
        final char c = text.charAt(at);
        if (c == '{') {
            return hash();
        }
        if (c == '[') {
            return array();
        }
        if (c == '\'') {
            return quoted();
        }
        final String word = word();
        return "undef".equals(word) ? null : word;
    }

    private Map<String, Object> hash() {
        at++;
        final Map<String, Object> hash = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek() == '}') {
                at++;
                return hash;
            }
            final String key = peek() == '\'' ? quoted() : word();
            skipSpace();
            if (!text.startsWith("=>", at)) {
                throw error("'=>' expected");
            }
            at += 2;
            hash.put(key, value());
            separator('}');
        }
    }

    private List<Object> array() {
        at++;
        final List<Object> array = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == ']') {
                at++;
                return array;
            }
            array.add(value());
            separator(']');
        }
    }

    private void separator(final char close) {
        skipSpace();
        if (peek() == ',') {
            at++;
        } else if (peek() != close) {
            throw error("',' or '" + close + "' expected");
        }
    }

    private String quoted() {
        final StringBuilder out = new StringBuilder();
        at++;
        while (at < text.length()) {
            final char c = text.charAt(at++);
            if (c == '\'') {
                return out.toString();
            }
            if (c == '\\' && at < text.length() && (text.charAt(at) == '\\' || text.charAt(at) == '\'')) {
                out.append(text.charAt(at++));
            } else {
                out.append(c);
            }
        }
        throw error("unterminated string");
    }

    private String word() {
        final int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at))
            || "_-.".indexOf(text.charAt(at)) >= 0)) {
            at++;
        }
        if (at == start) {
            throw error("unexpected character");
        }
        return text.substring(start, at);
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private IllegalArgumentException error(final String what) {
        return new IllegalArgumentException(what + " at " + at + " in: " + text);
    }
}
