package io.rtprelay.control.ng;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A read view over one decoded ng request dictionary, matching keys and flags the way rtpengine's clients may
 * spell them. Used on the control thread by one {@link NgCommandHandler}; not thread-safe.
 *
 * <h2>Matching (rtpengine's docs/ng_control_protocol.md, checked against rtpengine 10.5)</h2>
 * <ul>
 *   <li>Space, hyphen and underscore are the same character in key names, flag names and command names
 *       ({@code "call-id"}, {@code "call id"}, {@code "call_id"}; {@code "delete delay"}, {@code "delete-delay"}).
 *       rtpengine hyphenates spaces in flags and lists explicit spellings per key (it accepts
 *       {@code "delete_delay"} but not {@code "from_tag"}); treating all three alike is a superset of
 *       every spelling it accepts.</li>
 *   <li>Matching is case-sensitive, as the docs say ("All keys and values are case-sensitive unless specified
 *       otherwise"), except that the all-lower-case form of a name also matches, which is how rtpengine spells its
 *       aliases ({@code "ICE"}/{@code "ice"}, {@code "SDP"}/{@code "sdp"}, {@code "DTLS"}/{@code "dtls"},
 *       {@code "trickle-ICE"}/{@code "trickle-ice"}). So {@code string("ICE")} finds {@code "ice"} but not
 *       {@code "Ice"}, which rtpengine ignores too. Ask for a key by its documented spelling.</li>
 *   <li>When a key repeats (also after normalisation), its first value wins, as in rtpengine.</li>
 *   <li>The {@code flags} list can carry values too: {@code "ICE=remove"} answers {@link #string(String)
 *       string("ICE")} when the dictionary has no {@code ICE} key, and {@code "replace-origin"},
 *       {@code "rtcp-mux-offer"}, {@code "SDES-off"}, {@code "from-tags-X"} are part of {@link #strings(String)
 *       strings("replace")} etc., as newer rtpengine releases and Kamailio's {@code rtpp-flags} allow.</li>
 * </ul>
 *
 * <h2>Types</h2>
 * The named accessors ({@link #callId()}, {@link #fromTag()}, {@link #sdp()}, {@link #toTag()},
 * {@link #viaBranch()}) behave exactly as rtpengine: a value of the wrong type counts as absent, and a missing
 * required one throws rtpengine's own reason. The generic accessors are stricter than rtpengine (which silently
 * ignores a wrongly typed value): they throw an {@link NgException} naming the key, so a client bug is seen.
 */
public final class NgRequest {
    /** rtpengine's reason when {@code call-id} is missing or not a string. */
    public static final String NO_CALL_ID = "No call-id in message";
    /** rtpengine's reason when {@code from-tag} is missing or not a string. */
    public static final String NO_FROM_TAG = "No from-tag in message";
    /** rtpengine's reason when {@code to-tag} is missing or not a string (answer). */
    public static final String NO_TO_TAG = "No to-tag in message";
    /** rtpengine's reason when {@code sdp} is missing or not a string. */
    public static final String NO_SDP = "No SDP body in message";

    private final Map<String, Object> dictionary;
    private final Map<String, Object> byName;
    private final String source;
    private List<String> flags;
    private List<String> normalisedFlags;

    /**
     * @param dictionary the decoded request, as {@link Bencode#decodeNgRequest} returns it.
     */
    public NgRequest(final Map<String, Object> dictionary) {
        this(dictionary, "");
    }

    /**
     * @param dictionary the decoded request, as {@link Bencode#decodeNgRequest} returns it.
     * @param source     who sent it, {@code address:port} (rtpengine's {@code created_from}), empty when unknown.
     */
    public NgRequest(final Map<String, Object> dictionary, final String source) {
        this.source = source;
        this.dictionary = Collections.unmodifiableMap(dictionary);
        this.byName = new HashMap<>(dictionary.size() * 2);
        for (final Map.Entry<String, Object> e : dictionary.entrySet()) {
            byName.putIfAbsent(normalise(e.getKey()), e.getValue());
        }
    }

    /**
     * @param name a key, flag or command name.
     * @return it with spaces and underscores turned into hyphens (same length).
     */
    public static String normalise(final String name) {
        return name.replace(' ', '-').replace('_', '-');
    }

    /** @return the {@code command} string (exact key, as rtpengine), or null when absent or not a string. */
    public String command() {
        return dictionary.get("command") instanceof String s ? s : null;
    }

    /** @return who sent the request, {@code address:port}; empty when unknown. */
    public String source() {
        return source;
    }

    /** @return the whole dictionary as decoded, unmodifiable. */
    public Map<String, Object> raw() {
        return dictionary;
    }

    /**
     * @param key a key, spelled as documented.
     * @return whether the dictionary has it (any spelling, any type).
     */
    public boolean has(final String key) {
        return find(key) != null;
    }

    /**
     * @param key a key, spelled as documented, e.g. {@code "ICE"} or {@code "address family"}.
     * @return its string value, else the value of a {@code "key=value"} entry of the {@code flags} list, else null.
     * @throws NgException when the key is present with another type.
     */
    public String string(final String key) throws NgException {
        final Object value = find(key);
        if (value == null) {
            return flagValue(key);
        }
        if (value instanceof String s) {
            return s;
        }
        throw new NgException("Value of key \"" + key + "\" is not a string");
    }

    /**
     * A list-valued key such as {@code replace}, {@code rtcp-mux}, {@code SDES}, {@code supports}, {@code flags}.
     * Non-string list elements are skipped, as rtpengine skips them. A single string counts as a one-element list
     * (rtpengine 10.5 ignores it; no client is known to send it). Entries of the {@code flags} list that start
     * with the key and a hyphen or {@code =} follow, with that prefix removed ({@code "replace-origin"}).
     *
     * @param key a key, spelled as documented.
     * @return the strings in order, empty when there are none; the values are not normalised.
     * @throws NgException when the key is present and neither a list nor a string.
     */
    public List<String> strings(final String key) throws NgException {
        final List<String> out = stringsOf(find(key));
        if (out == null) {
            throw new NgException("Value of key \"" + key + "\" is not a list");
        }
        if (!"flags".equals(normalise(key))) {
            flagSuffixes(key, out);
        }
        return out;
    }

    /**
     * An integer key such as {@code delete delay}, {@code TOS}, {@code ptime}, {@code limit}: rtpengine takes
     * either a bencode integer or a string of decimal digits.
     *
     * @param key a key, spelled as documented.
     * @return its value, or null when absent (also as {@code "key=value"} in the flags list).
     * @throws NgException when present but neither an integer nor a decimal string in the long range.
     */
    public Long integer(final String key) throws NgException {
        Object value = find(key);
        if (value == null) {
            value = flagValue(key);
        }
        if (value == null || value instanceof Long) {
            return (Long)value;
        }
        if (value instanceof String s && isDecimal(s)) {
            try {
                return Long.parseLong(s.charAt(0) == '+' ? s.substring(1) : s);
            } catch (final NumberFormatException e) {
                throw new NgException("Value of key \"" + key + "\" is out of range");
            }
        }
        throw new NgException("Value of key \"" + key + "\" is not an integer");
    }

    /**
     * A dictionary-valued key such as {@code codec} or {@code sdp-attr}.
     *
     * @param key a key, spelled as documented.
     * @return the nested dictionary as decoded, or null when absent.
     * @throws NgException when present with another type.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> dictionary(final String key) throws NgException {
        final Object value = find(key);
        if (value == null || value instanceof Map<?, ?>) {
            return (Map<String, Object>)value;
        }
        throw new NgException("Value of key \"" + key + "\" is not a dictionary");
    }

    /**
     * @param name a flag as documented, e.g. {@code "trust address"}, {@code "fatal"}, {@code "no-rtcp-attribute"}.
     * @return whether the {@code flags} list contains it, in any of the accepted spellings.
     */
    public boolean flag(final String name) {
        final String wanted = normalise(name);
        final String lower = wanted.toLowerCase(Locale.ROOT);
        for (final String f : normalisedFlags()) {
            if (f.equals(wanted) || f.equals(lower)) {
                return true;
            }
        }
        return false;
    }

    /** @return the strings of the {@code flags} list as sent (not normalised); empty when there is none. */
    public List<String> flags() {
        if (flags == null) {
            final List<String> out = stringsOf(find("flags"));
            flags = out == null ? List.of() : Collections.unmodifiableList(out);
        }
        return flags;
    }

    /**
     * @param value a dictionary value, or null.
     * @return the strings of a list (other elements skipped, as rtpengine skips them) or a lone string as a list of
     *         one, empty for null; null when the value is of another type.
     */
    private static List<String> stringsOf(final Object value) {
        final List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (final Object item : list) {
                if (item instanceof String s) {
                    out.add(s);
                }
            }
        } else if (value instanceof String s) {
            out.add(s);
        } else if (value != null) {
            return null;
        }
        return out;
    }

    /**
     * @param feature an extension of the {@code supports} list, e.g. {@code "load limit"}.
     * @return whether the client declared it.
     */
    public boolean supports(final String feature) {
        final Object value = find("supports");
        final String wanted = normalise(feature);
        final String lower = wanted.toLowerCase(Locale.ROOT);
        if (value instanceof List<?> list) {
            for (final Object item : list) {
                if (item instanceof String s && matches(normalise(s), wanted, lower)) {
                    return true;
                }
            }
        }
        return value instanceof String s && matches(normalise(s), wanted, lower);
    }

    /**
     * @return the SIP Call-ID ({@code call-id}, also {@code call-ID}).
     * @throws NgException {@value #NO_CALL_ID} when missing or not a string.
     */
    public String callId() throws NgException {
        return required("call-ID", NO_CALL_ID);
    }

    /**
     * @return the SIP From tag ({@code from-tag}).
     * @throws NgException {@value #NO_FROM_TAG} when missing or not a string.
     */
    public String fromTag() throws NgException {
        return required("from-tag", NO_FROM_TAG);
    }

    /**
     * @return the SDP body ({@code sdp}, also {@code SDP}), bytes mapped one to one onto chars (ISO-8859-1).
     * @throws NgException {@value #NO_SDP} when missing or not a string. An empty string is present.
     */
    public String sdp() throws NgException {
        return required("SDP", NO_SDP);
    }

    /** @return the SIP To tag ({@code to-tag}), or null when absent or not a string. */
    public String toTag() {
        return find("to-tag") instanceof String s ? s : null;
    }

    /**
     * @return the SIP To tag, as an answer requires it.
     * @throws NgException {@value #NO_TO_TAG} when missing or not a string.
     */
    public String requireToTag() throws NgException {
        return required("to-tag", NO_TO_TAG);
    }

    /** @return the SIP Via branch ({@code via-branch}), or null when absent or not a string. */
    public String viaBranch() {
        return find("via-branch") instanceof String s ? s : null;
    }

    @Override
    public String toString() {
        return "NgRequest[command=" + command() + ", call-id=" + stringOrNull(find("call-ID")) + "]";
    }

    private static String stringOrNull(final Object value) {
        return value instanceof String s ? s : null;
    }

    private String required(final String key, final String reason) throws NgException {
        if (find(key) instanceof String s) {
            return s;
        }
        throw new NgException(reason);
    }

    private Object find(final String name) {
        final String key = normalise(name);
        final Object value = byName.get(key);
        if (value != null) {
            return value;
        }
        final String lower = key.toLowerCase(Locale.ROOT);
        return lower.equals(key) ? null : byName.get(lower);
    }

    private static boolean matches(final String candidate, final String wanted, final String lower) {
        return candidate.equals(wanted) || candidate.equals(lower);
    }

    private List<String> normalisedFlags() {
        if (normalisedFlags == null) {
            final List<String> out = new ArrayList<>(flags().size());
            for (final String f : flags()) {
                out.add(normalise(f));
            }
            normalisedFlags = out;
        }
        return normalisedFlags;
    }

    /** The value of the first {@code key=value} entry of the flags list, or null. */
    private String flagValue(final String key) {
        final String wanted = normalise(key);
        final String lower = wanted.toLowerCase(Locale.ROOT);
        final List<String> normalised = normalisedFlags();
        for (int i = 0; i < normalised.size(); i++) {
            final String f = normalised.get(i);
            final int eq = f.indexOf('=');
            if (eq > 0 && matches(f.substring(0, eq), wanted, lower)) {
                return flags().get(i).substring(eq + 1);
            }
        }
        return null;
    }

    /** Adds the suffix of every flag {@code key-X} or {@code key=X} (X not empty) to out. */
    private void flagSuffixes(final String key, final List<String> out) {
        final String wanted = normalise(key);
        final String lower = wanted.toLowerCase(Locale.ROOT);
        final List<String> normalised = normalisedFlags();
        for (int i = 0; i < normalised.size(); i++) {
            final String f = normalised.get(i);
            if (f.length() > wanted.length() + 1 && isSeparator(f.charAt(wanted.length()))
                && (f.startsWith(wanted) || f.startsWith(lower))) {
                out.add(flags().get(i).substring(wanted.length() + 1));
            }
        }
    }

    private static boolean isSeparator(final char c) {
        return c == '-' || c == '=';
    }

    private static boolean isDecimal(final String s) {
        final int start = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        if (s.length() == start) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
