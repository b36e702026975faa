package io.rtprelay.control.ng;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of every ng command handler through call sequences (docs/FUZZING.md): the fuzzer's bytes
 * choose a sequence of offer, answer, delete, query, list, statistics, ping and the media control and
 * subscription requests (block/silence media, block DTMF, forwarding, play media, subscribe, unsubscribe) on a few
 * call-ids and tags,
 * with real SDP from the corpus (or the fuzzer's own), the keys and flags Kamailio sends, and {@code direction}
 * naming known or unknown interfaces. Every reply is ok or an error with a reason, never an internal error, and
 * once every call is deleted no call and no port is held. Where the datagram target mutates bytes, this one keeps
 * requests well-formed so that the handlers' state machine is what gets explored.
 */
class NgCallSequenceFuzzTest {
    private static final List<String> COMMANDS = List.of("offer", "answer", "delete", "query", "list", "statistics",
        "ping", "block media", "unblock media", "silence media", "unsilence media", "block DTMF", "unblock DTMF",
        "start forwarding", "stop forwarding", "play media", "subscribe request", "subscribe answer", "unsubscribe");
    private static final List<String> CALL_IDS = List.of("c1", "c2", "c3");
    private static final List<String> TAGS = List.of("ta", "tb", "tc", "");
    private static final List<String> FLAGS = List.of("trust-address", "replace-origin", "replace-session-connection",
        "symmetric", "asymmetric", "strict-source", "original-sendrecv", "port-latching", "no-rtcp-attribute",
        "loop-protect", "SDES-off", "SDES-pad", "RTP/SAVP", "ICE=remove", "rtcp-mux-offer", "media-address=::1");
    private static final List<String> TRANSPORTS = List.of("RTP/AVP", "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF",
        "UDP/TLS/RTP/SAVP", "bogus");
    private static final List<String> ICE = List.of("remove", "force", "default", "force-relay", "optional", "x");
    private static final List<String> RTCP_MUX = List.of("offer", "demux", "accept", "reject", "require", "x");
    private static final List<String> SDES = List.of("off", "nonew", "pad", "lifetime", "unencrypted_srtp",
        "unencrypted_srtcp", "unauthenticated_srtp", "encrypted_srtp", "no-AES_CM_128_HMAC_SHA1_32",
        "only-AEAD_AES_256_GCM", "only-NULL_HMAC_SHA1_80", "x");
    private static final List<String> REPLACE = List.of("origin", "session-connection", "x");
    private static final List<String> MEDIA_ADDRESSES = List.of("192.0.2.9", "2001:db8::9", "not an address");

    private static NgFuzzRelay relay;
    private static List<String> corpus;

    @BeforeAll
    static void start() {
        relay = new NgFuzzRelay();
        corpus = NgFuzzRelay.sdpCorpus();
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    @FuzzTest
    void everyReplyIsOkOrAReasonedErrorAndDeletingEverythingFreesEveryPort(final FuzzedDataProvider data) {
        relay.newAdapter();
        int cookie = 0;
        while (data.remainingBytes() > 0 && cookie < 12) {
            relay.send("s" + cookie++, request(data));
        }
        relay.deleteEverythingAndCheckNoLeak("seq-cleanup");
    }

    private static Map<String, Object> request(final FuzzedDataProvider data) {
        final Map<String, Object> r = new LinkedHashMap<>();
        final String command = data.pickValue(COMMANDS);
        r.put("command", command);
        if (data.consumeBoolean()) {
            r.put("call-id", data.pickValue(CALL_IDS));
        }
        if (data.consumeBoolean()) {
            r.put("from-tag", data.pickValue(TAGS));
        }
        if (data.consumeBoolean()) {
            r.put("to-tag", data.pickValue(TAGS));
        }
        if ("offer".equals(command) || "answer".equals(command) || "subscribe answer".equals(command)) {
            sdpKeys(data, r);
        } else if (command.contains(" ") && data.consumeBoolean()) {
            // the media control commands' other ways of naming a party (or the whole call)
            if (data.consumeBoolean()) {
                r.put("flags", List.of("all"));
            } else {
                r.put("address", data.pickValue(MEDIA_ADDRESSES));
            }
        } else if ("delete".equals(command) && data.consumeBoolean()) {
            r.put("delete-delay", (long)data.consumeInt(-1, 3));
        } else if ("list".equals(command) && data.consumeBoolean()) {
            r.put("limit", data.consumeBoolean() ? (Object)(long)data.consumeInt(-2, 5) : "many");
        }
        return r;
    }

    private static void sdpKeys(final FuzzedDataProvider data, final Map<String, Object> r) {
        switch (data.consumeInt(0, 3)) {
            case 0 -> r.put("sdp", data.consumeString(2_000));
            case 1 -> r.put("sdp", mutated(data, data.pickValue(corpus)));
            default -> r.put("sdp", data.pickValue(corpus).replace("\n", "\r\n"));
        }
        if (data.consumeBoolean()) {
            r.put("flags", subset(data, FLAGS));
        }
        if (data.consumeBoolean()) {
            r.put("replace", subset(data, REPLACE));
        }
        if (data.consumeBoolean()) {
            r.put("rtcp-mux", subset(data, RTCP_MUX));
        }
        if (data.consumeBoolean()) {
            r.put("SDES", subset(data, SDES));
        }
        if (data.consumeBoolean()) {
            r.put("ICE", data.pickValue(ICE));
        }
        if (data.consumeBoolean()) {
            r.put("transport-protocol", data.pickValue(TRANSPORTS));
        }
        if (data.consumeBoolean()) {
            r.put("media-address", data.pickValue(MEDIA_ADDRESSES));
        }
        if (data.consumeBoolean()) {
            final List<Object> direction = new ArrayList<>();
            final int n = data.consumeInt(0, 3);
            for (int i = 0; i < n; i++) {
                direction.add(data.consumeBoolean() ? data.pickValue(NgFuzzRelay.INTERFACES) : "unknown");
            }
            r.put("direction", direction);
        }
        if (data.consumeBoolean()) {
            r.put("supports", List.of("load limit"));
        }
    }

    /** A corpus SDP with one line replaced by, or with, the fuzzer's text. */
    private static String mutated(final FuzzedDataProvider data, final String sdp) {
        final String[] lines = sdp.split("\n", -1);
        final int at = data.consumeInt(0, lines.length - 1);
        final String text = data.consumeString(200);
        lines[at] = data.consumeBoolean() ? text : lines[at] + text;
        return String.join(data.consumeBoolean() ? "\r\n" : "\n", lines);
    }

    private static List<Object> subset(final FuzzedDataProvider data, final List<String> values) {
        final List<Object> out = new ArrayList<>();
        final int n = data.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
            out.add(data.pickValue(values));
        }
        return out;
    }
}
