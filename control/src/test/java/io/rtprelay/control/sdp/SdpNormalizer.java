package io.rtprelay.control.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes two relays' SDP comparable line by line: what legitimately differs between runs is replaced by a
 * placeholder -- ports (named relative to the section's RTP port, so that RTP+1 and rtcp-mux stay visible), the o=
 * session version, the ICE ufrag, password and candidate foundation, and the keys a relay generated in
 * {@code a=crypto} lines ({@code <key:N#i>}, N the length of its base64 text, so that padding stays visible, i its
 * number in order of appearance; a key that one of the parties sent stays as it is, so that handing keys on is
 * visible). Port 0 stays 0. Everything else, order
 * included, must be identical.
 */
final class SdpNormalizer {
    /** Local preference of a host candidate on the relay's first interface, in bits 8-23 of its priority. */
    private static final long FIRST_INTERFACE_PREFERENCE = 65_535;
    private static final Pattern INLINE_KEY = Pattern.compile("inline:([A-Za-z0-9+/=]+)");

    private SdpNormalizer() {
    }

    /**
     * @param sdp SDP text with CRLF or LF line ends.
     * @return its lines, without line ends.
     */
    static List<String> lines(final String sdp) {
        final List<String> lines = new ArrayList<>(List.of(sdp.replace("\r\n", "\n").split("\n", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        return lines;
    }

    /**
     * @param sdp SDP text.
     * @return its lines with run-dependent values replaced by placeholders.
     */
    static List<String> normalize(final String sdp) {
        return normalize(sdp, Set.of(), new HashMap<>());
    }

    /**
     * @param sdp   SDP text.
     * @param known keys of {@code a=crypto} lines that the parties sent (base64 without padding): they stay.
     * @param names the relay's keys seen so far, each with its number in order of first appearance: a generated key
     *              becomes {@code <key:N#i>}, so that a key used again shows as the same placeholder; pass the same
     *              map for the SDPs of one call to compare which keys a relay keeps.
     * @return its lines with run-dependent values replaced by placeholders.
     */
    static List<String> normalize(final String sdp, final Set<String> known, final Map<String, Integer> names) {
        final List<String> out = new ArrayList<>();
        long rtp = -1;
        for (final String line : lines(sdp)) {
            if (line.startsWith("o=")) {
                final String[] f = line.split(" ", -1);
                if (f.length == 6) {
                    f[2] = "<version>";
                }
                out.add(String.join(" ", f));
            } else if (line.startsWith("m=")) {
                final String[] f = line.split(" ", -1);
                rtp = Long.parseLong(f[1]);
                if (rtp != 0) {
                    f[1] = "<rtp>";
                }
                out.add(String.join(" ", f));
            } else if (line.startsWith("a=rtcp:")) {
                final String[] f = line.substring("a=rtcp:".length()).split(" ", -1);
                f[0] = port(Long.parseLong(f[0]), rtp);
                out.add("a=rtcp:" + String.join(" ", f));
            } else if (line.startsWith("a=crypto:")) {
                out.add(crypto(line, known, names));
            } else if (line.startsWith("a=fingerprint:")) {
                // each relay's own certificate: the hash function stays, the digest is the relay's
                final String value = line.substring("a=fingerprint:".length());
                final int space = value.indexOf(' ');
                out.add("a=fingerprint:" + (space < 0 ? value : value.substring(0, space)) + " <digest>");
            } else if (line.startsWith("a=ice-ufrag:")) {
                out.add("a=ice-ufrag:<ufrag>");
            } else if (line.startsWith("a=ice-pwd:")) {
                out.add("a=ice-pwd:<pwd>");
            } else if (line.startsWith("a=candidate:")) {
                final String[] f = line.substring("a=candidate:".length()).split(" ", -1);
                f[0] = "<foundation>";
                f[5] = port(Long.parseLong(f[5]), rtp);
                out.add("a=candidate:" + String.join(" ", f));
            } else {
                out.add(line);
            }
        }
        return out;
    }

    private static String crypto(final String line, final Set<String> known, final Map<String, Integer> names) {
        final Matcher m = INLINE_KEY.matcher(line);
        if (!m.find() || known.contains(unpadded(m.group(1)))) {
            return line;
        }
        final int name = names.computeIfAbsent(unpadded(m.group(1)), k -> names.size() + 1);
        return line.substring(0, m.start(1)) + "<key:" + m.group(1).length() + "#" + name + ">"
            + line.substring(m.end(1));
    }

    /**
     * @param sdps SDP texts the parties sent.
     * @return the keys of their {@code a=crypto} lines, base64 without padding.
     */
    static Set<String> keysOf(final String... sdps) {
        final Set<String> keys = new HashSet<>();
        for (final String sdp : sdps) {
            final Matcher m = INLINE_KEY.matcher(sdp);
            while (m.find()) {
                keys.add(unpadded(m.group(1)));
            }
        }
        return keys;
    }

    private static String unpadded(final String base64) {
        int end = base64.length();
        while (end > 0 && base64.charAt(end - 1) == '=') {
            end--;
        }
        return base64.substring(0, end);
    }

    private static String port(final long port, final long rtp) {
        if (port == 0) {
            return "0";
        }
        if (port == rtp) {
            return "<rtp>";
        }
        return port == rtp + 1 ? "<rtp+1>" : "<port>";
    }

    /**
     * @param line an SDP line.
     * @return true for a host candidate of an interface other than the relay's first for this family: rtpengine
     *     lists one per configured interface, we only the media endpoint's.
     */
    static boolean isSecondaryInterfaceCandidate(final String line) {
        if (!line.startsWith("a=candidate:")) {
            return false;
        }
        final String[] f = line.split(" ", -1);
        final long priority = Long.parseLong(f[3]);
        return ((priority >> 8) & 0xffff) != FIRST_INTERFACE_PREFERENCE;
    }

    /**
     * @param sdp SDP text.
     * @return true when some line ends with a bare LF rather than CRLF.
     */
    static boolean hasBareLf(final String sdp) {
        for (int i = 0; i < sdp.length(); i++) {
            if (sdp.charAt(i) == '\n' && (i == 0 || sdp.charAt(i - 1) != '\r')) {
                return true;
            }
        }
        return false;
    }
}
