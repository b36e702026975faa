package io.rtprelay.bench.fuzz;

import io.rtprelay.control.ng.Bencode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes mutated ng request bodies (the bencode after {@code cookie SP}) from real requests: offer, answer (plain
 * and SDES), delete, query, ping, list and statistics as Kamailio's rtpengine module writes them. Half of the
 * mutations work on the dictionary (keys removed, values of the wrong type, huge and negative numbers, unknown keys,
 * weird flags, direction lists naming unknown interfaces, broken SDP, deep nesting), the rest on the encoded bytes
 * (bit flips, insertions, deletions, duplicated and truncated ranges, length prefixes changed). Call-ids come from
 * a small pool of its own, so offers, answers and deletes meet the same calls; they never name a live call.
 *
 * <p>Not thread-safe: one instance per sending thread; deterministic for a seed.
 */
final class NgMutator {
    private static final String[] COMMANDS = {"offer", "answer", "delete", "query", "ping", "list", "statistics",
        "start recording", "block media", "unblock DTMF", "play media", "subscribe request", "Offer", "", "offer\0"};
    private static final String[] FLAGS = {"trust-address", "symmetric", "asymmetric", "strict-source",
        "media-handover", "port-latching", "no-rtcp-attribute", "full-rtcp-attribute", "loop-protect", "SDES-off",
        "SDES-no-AES_CM_128_HMAC_SHA1_80", "SDES-only-F8_128_HMAC_SHA1_80", "SDES-nonew", "SDES-pad", "record-call",
        "generate-mid", "original-sendrecv", "reset", "all", "unidirectional", "", "=", "SDES-", "to-tag=x",
        "\u00ff\u00fe", "a".repeat(300)};
    private static final String[] DIRECTIONS = {"default", "internal", "external", "pub", "priv", "", "nope",
        "127.0.0.1", "::1", "round-robin-calls", "\u0000"};
    private static final String[] KEYS = {"call-id", "from-tag", "to-tag", "via-branch", "sdp", "flags", "replace",
        "direction", "ICE", "rtcp-mux", "transport-protocol", "supports", "delete-delay", "limit", "SDES",
        "received-from",
        "media address", "address family", "codec", "ptime", "label", "all", "interface", "DTLS", "record call"};
    private static final Object[] ODD_VALUES = {0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, -(1L << 40),
        65_536L, 4_294_967_296L, "", "0", "-1", "99999999999999999999999", "yes", "\u0000", List.of(), Map.of(),
        List.of(List.of(List.of())), List.of(1L, "x", Map.of("a", 1L)), Map.of("sdp", 1L), "x".repeat(2_000)};
    private static final String SDES_KEY = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw";

    private final SplittableRandom random;
    private final int callPool;

    /**
     * @param seed     the random seed.
     * @param callPool how many distinct fuzz call-ids to use.
     */
    NgMutator(final long seed, final int callPool) {
        this.random = new SplittableRandom(seed);
        this.callPool = callPool;
    }

    /** @return the call-id of fuzz call {@code i}. */
    static String callId(final int i) {
        return "fuzz-" + i;
    }

    /** @return a mutated request body. */
    byte[] next() {
        final Map<String, Object> request = seed();
        final int mode = random.nextInt(10);
        if (mode == 0) {
            return Bencode.encode(request);
        }
        if (mode <= 5) {
            final int rounds = 1 + random.nextInt(3);
            for (int i = 0; i < rounds; i++) {
                mutate(request);
            }
            return Bencode.encode(request);
        }
        if (mode == 6) {
            mutate(request);
        }
        return mutateBytes(Bencode.encode(request));
    }

    /** @return a clean delete of one fuzz call, at once: keeps the pool's ports flowing. */
    byte[] cleanDelete() {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", "delete");
        request.put("call-id", callId(random.nextInt(callPool)));
        request.put("delete-delay", 0L);
        return Bencode.encode(request);
    }

    private Map<String, Object> seed() {
        final String callId = callId(random.nextInt(callPool));
        final String from = random.nextInt(8) == 0 ? "" : "ft" + random.nextInt(3);
        final String to = random.nextInt(8) == 0 ? "" : "tt" + random.nextInt(3);
        final Map<String, Object> r = new LinkedHashMap<>();
        switch (random.nextInt(9)) {
            case 0, 1 -> offer(r, callId, from, false);
            case 2 -> offer(r, callId, from, true);
            case 3, 4 -> answer(r, callId, from, to);
            case 5 -> {
                r.put("command", "delete");
                r.put("call-id", callId);
                r.put("from-tag", from);
                r.put("delete-delay", (long) random.nextInt(3));
            }
            case 6 -> {
                r.put("command", "query");
                r.put("call-id", callId);
                r.put("from-tag", from);
            }
            case 7 -> {
                r.put("command", "list");
                r.put("limit", (long) random.nextInt(100));
            }
            default -> r.put("command", random.nextBoolean() ? "ping" : "statistics");
        }
        return r;
    }

    private void offer(final Map<String, Object> r, final String callId, final String from, final boolean sdes) {
        r.put("command", "offer");
        r.put("call-id", callId);
        r.put("from-tag", from);
        if (random.nextBoolean()) {
            r.put("to-tag", "tt" + random.nextInt(3));
        }
        r.put("sdp", sdp(sdes ? "RTP/SAVP" : "RTP/AVP", sdes));
        r.put("flags", new ArrayList<>(List.of("trust-address")));
        r.put("replace", new ArrayList<>(List.of("origin", "session-connection")));
        r.put("ICE", "remove");
        if (random.nextBoolean()) {
            r.put("direction", new ArrayList<>(List.of(pick(DIRECTIONS), pick(DIRECTIONS))));
        }
        if (random.nextInt(4) == 0) {
            r.put("transport-protocol", sdes ? "RTP/AVP" : "RTP/SAVP");
        }
        if (random.nextInt(4) == 0) {
            r.put("rtcp-mux", new ArrayList<>(List.of(random.nextBoolean() ? "offer" : "demux")));
        }
        r.put("supports", new ArrayList<>(List.of("load limit")));
    }

    private void answer(final Map<String, Object> r, final String callId, final String from, final String to) {
        r.put("command", "answer");
        r.put("call-id", callId);
        r.put("from-tag", from);
        r.put("to-tag", to);
        final boolean sdes = random.nextInt(3) == 0;
        r.put("sdp", sdp(sdes ? "RTP/SAVP" : "RTP/AVP", sdes));
        r.put("flags", new ArrayList<>(List.of("trust-address")));
        r.put("replace", new ArrayList<>(List.of("origin", "session-connection")));
        r.put("ICE", "remove");
    }

    private String sdp(final String protocol, final boolean sdes) {
        final int port = 10_000 + 2 * random.nextInt(1_000);
        final StringBuilder sdp = new StringBuilder(256)
            .append("v=0\r\no=- 1545997027 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n")
            .append("m=audio ").append(port).append(' ').append(protocol).append(" 0 8 101\r\n")
            .append("a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n")
            .append("a=fmtp:101 0-16\r\na=ptime:20\r\n");
        if (sdes) {
            sdp.append("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:").append(SDES_KEY).append("\r\n");
        }
        if (random.nextInt(4) == 0) {
            sdp.append("m=video ").append(port + 2).append(' ').append(protocol).append(" 96\r\n")
                .append("a=rtpmap:96 H264/90000\r\n");
        }
        sdp.append("a=sendrecv\r\n");
        return random.nextInt(3) == 0 ? mutateSdp(sdp.toString()) : sdp.toString();
    }

    private String mutateSdp(final String sdp) {
        final List<String> lines = new ArrayList<>(Arrays.asList(sdp.split("\r\n")));
        if (lines.isEmpty()) {
            lines.add("v=0");
        }
        final int i = random.nextInt(lines.size());
        switch (random.nextInt(12)) {
            case 0 -> lines.remove(i);
            case 1 -> lines.add(i, lines.get(i));
            case 2 -> lines.set(i, lines.get(i).substring(0, random.nextInt(lines.get(i).length() + 1)));
            case 3 -> lines.add(i, "m=audio " + pickPort() + " RTP/AVP 0");
            case 4 -> lines.add(i, "c=IN IP4 " + pick(new String[] {"999.1.1.1", "::1", "0.0.0.0", "", "host"}));
            case 5 -> lines.add(i, "c=IN IP6 " + pick(new String[] {"::1", "127.0.0.1", "::ffff:1.2.3.4", "zz"}));
            case 6 -> lines.add(i, "a=rtcp:" + pickPort() + (random.nextBoolean() ? " IN IP4 127.0.0.1" : ""));
            case 7 -> lines.add(i, "a=crypto:" + random.nextInt(3) + " " + pick(new String[] {
                "AES_CM_128_HMAC_SHA1_80", "AEAD_AES_256_GCM", "F8_128_HMAC_SHA1_32", "NULL_HMAC_SHA1_80", "BOGUS"})
                + " inline:" + pick(new String[] {SDES_KEY, "", "!!!", SDES_KEY + "|2^20|1:4", SDES_KEY + "|0:0",
                    SDES_KEY.substring(4), SDES_KEY + "|" + Long.MAX_VALUE + ":255"}));
            case 8 -> lines.add(i, pick(new String[] {"a=rtcp-mux", "a=inactive", "a=sendonly", "a=recvonly",
                "a=ice-ufrag:x", "a=candidate:1 1 UDP 1 127.0.0.1 1 typ host", "a=fingerprint:sha-256 00",
                "a=setup:actpass", "a=mid:0", "b=AS:64", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
                "m=audio 0 RTP/AVP", "m=audio 5000/2 RTP/AVP 0", "m=image 5000 udptl t38", "x", "=", "a="}));
            case 9 -> lines.replaceAll(l -> l.replace("\r", "").replace("IN IP4", "IN IP6"));
            case 10 -> {
                return sdp.replace("\r\n", "\n");
            }
            default -> {
                final StringBuilder many = new StringBuilder(sdp);
                final int sections = random.nextInt(40);
                for (int s = 0; s < sections; s++) {
                    many.append("m=audio ").append(pickPort()).append(" RTP/AVP 0\r\n");
                }
                return many.toString();
            }
        }
        return String.join("\r\n", lines) + "\r\n";
    }

    private String pickPort() {
        return switch (random.nextInt(6)) {
            case 0 -> "0";
            case 1 -> "-1";
            case 2 -> "65536";
            case 3 -> "99999999999";
            case 4 -> "abc";
            default -> Integer.toString(1 + random.nextInt(65_535));
        };
    }

    private void mutate(final Map<String, Object> r) {
        final List<String> keys = new ArrayList<>(r.keySet());
        final String key = keys.isEmpty() ? "command" : keys.get(random.nextInt(keys.size()));
        switch (random.nextInt(11)) {
            case 0 -> r.remove(key);
            case 1 -> r.put(key, pick(ODD_VALUES));
            case 2 -> r.put(pick(KEYS), pick(ODD_VALUES));
            case 3 -> r.put("command", pick(COMMANDS));
            case 4 -> r.put("flags", randomList(FLAGS));
            case 5 -> r.put("direction", randomList(DIRECTIONS));
            case 6 -> r.put(key, deep(1 + random.nextInt(40)));
            case 7 -> r.put("sdp", random.nextBoolean() ? "" : mutateSdp(String.valueOf(r.getOrDefault("sdp",
                sdp("RTP/AVP", false)))));
            case 8 -> r.put("call-id", random.nextInt(4) == 0 ? "" : callId(random.nextInt(callPool)));
            case 9 -> r.put(randomText(1 + random.nextInt(12)), randomText(random.nextInt(20)));
            default -> r.put(key, randomBytesAsString(random.nextInt(64)));
        }
    }

    private List<Object> randomList(final String[] choices) {
        final List<Object> list = new ArrayList<>();
        final int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            list.add(random.nextInt(8) == 0 ? pick(ODD_VALUES) : pick(choices));
        }
        return list;
    }

    private Object deep(final int depth) {
        Object v = random.nextBoolean() ? (Object) "x" : (Object) 1L;
        for (int i = 0; i < depth; i++) {
            v = random.nextBoolean() ? List.of(v) : Map.of("k", v);
        }
        return v;
    }

    private byte[] mutateBytes(final byte[] in) {
        byte[] b = in;
        final int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            if (b.length == 0) {
                b = new byte[] {'d'};
            }
            final int i = random.nextInt(b.length);
            switch (random.nextInt(8)) {
                case 0 -> b[i] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[i] = (byte) random.nextInt(256);
                case 2 -> b = splice(b, i, 0, randomBytes(1 + random.nextInt(16)));
                case 3 -> b = splice(b, i, Math.min(b.length - i, 1 + random.nextInt(16)), new byte[0]);
                case 4 -> b = Arrays.copyOf(b, i);
                case 5 -> b = splice(b, i, 0, Arrays.copyOfRange(b, i, Math.min(b.length, i + 1 + random.nextInt(64))));
                case 6 -> b = digits(b, i);
                default -> b[i] = (byte) pick(new String[] {"d", "l", "e", "i", ":", "-", "0", "9"}).charAt(0);
            }
        }
        return b;
    }

    /** Changes the first run of digits at or after {@code from}: bencode lengths and integers. */
    private byte[] digits(final byte[] b, final int from) {
        int start = from;
        while (start < b.length && (b[start] < '0' || b[start] > '9')) {
            start++;
        }
        int end = start;
        while (end < b.length && b[end] >= '0' && b[end] <= '9') {
            end++;
        }
        final String replacement = pick(new String[] {"0", "1", "99999", "4294967296", "99999999999999999999",
            "-1", "00", "65507"});
        return splice(b, start, end - start, replacement.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] splice(final byte[] b, final int at, final int remove, final byte[] insert) {
        final byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    private byte[] randomBytes(final int n) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    private String randomBytesAsString(final int n) {
        return new String(randomBytes(n), StandardCharsets.ISO_8859_1);
    }

    private String randomText(final int n) {
        final StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) ('-' + random.nextInt(78)));
        }
        return s.toString();
    }

    private <T> T pick(final T[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
