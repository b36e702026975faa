package io.rtprelay.control.call;

import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.NgTarget;
import io.rtprelay.control.testkit.RtpengineDaemon;
import io.rtprelay.control.testkit.RtprelayTarget;
import io.rtprelay.relay.GlobalCounters;
import io.rtprelay.relay.forward.DropReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The media control commands on the real rtpengine 10.5 daemon and on our relay, driven alike: {@code block media},
 * {@code silence media}, {@code block DTMF} and their undoing, {@code start}/{@code stop forwarding},
 * {@code unsubscribe}, with every way of addressing a party (from-tag, to-tag, the {@code all} flag and key,
 * {@code directional}, address, label). Per scenario, a fresh call; the replies, and which packets each party then
 * receives with what payload (see {@link MediaControlScript}), must be the same on both. Then every command's
 * malformed forms (missing or mistyped call-id, unknown call, unknown tag, wrong types) must get the same replies.
 * What we answer differently on purpose (a relay without a media player, without subscriptions) is pinned in
 * {@link #deliberateDifferencesStayDeliberate}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MediaControlDifferentialTest {
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 6000 RTP/AVP 0\r\n";
    private static final String REANSWER = "#answer";
    private static final String REOFFER = "#reoffer";
    /** A re-offers from another port: B gets new ports, its old ones go on forwarding (and so on being blocked). */
    private static final String MOVE_A = "#moveA";
    /** Scenarios so named run on a call whose parties multiplex RTCP on the RTP port (a=rtcp-mux). */
    private static final String MUX = "rtcp-mux: ";
    /** How a probe shows the RTCP packet it sent to the RTP port. */
    private static final String MUXED_RTCP = "pt72:";
    private static final List<String> FAMILY = List.of("block media", "silence media", "block DTMF");

    private static RtpengineDaemon rtpengine;
    private static RtprelayTarget ours;

    @BeforeAll
    static void start() {
        rtpengine = RtpengineDaemon.start();
        ours = RtprelayTarget.start();
    }

    @AfterAll
    static void stop() {
        for (final AutoCloseable c : new AutoCloseable[] {ours, rtpengine}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One ng command of a scenario, or {@link #REANSWER} / {@link #REOFFER}. */
    private record Step(String command, List<Object> keysAndValues) {
    }

    private static Step step(final String command, final Object... keysAndValues) {
        return new Step(command, List.of(keysAndValues));
    }

    private static Map<String, List<Step>> scenarios() {
        final Map<String, List<Step>> s = new LinkedHashMap<>();
        s.put("nothing", List.of());
        for (final String on : FAMILY) {
            final String off = "un" + on;
            s.put(on + ": whole call", List.of(step(on)));
            s.put(on + ": from-tag A", List.of(step(on, "from-tag", "fa")));
            s.put(on + ": from-tag B", List.of(step(on, "from-tag", "tb")));
            s.put(on + ": to-tag B only", List.of(step(on, "to-tag", "tb")));
            s.put(on + ": from-tag A, to-tag B", List.of(step(on, "from-tag", "fa", "to-tag", "tb")));
            s.put(on + ": from-tag A, directional",
                List.of(step(on, "from-tag", "fa", "flags", List.of("directional"))));
            s.put(on + ": directional without a tag", List.of(step(on, "flags", List.of("directional"))));
            s.put(on + ": all=all key", List.of(step(on, "all", "all")));
            s.put(on + ": from-tag A, all=all key", List.of(step(on, "from-tag", "fa", "all", "all")));
            s.put(on + ": from-tag A, flag all", List.of(step(on, "from-tag", "fa", "flags", List.of("all"))));
            s.put(on + ": from-tag an integer", List.of(step(on, "from-tag", 5L)));
            s.put(on + ": address of the parties", List.of(step(on, "address", "127.0.0.1")));
            s.put(on + ": call; " + off + " A", List.of(step(on), step(off, "from-tag", "fa")));
            s.put(on + ": call; " + off + " call", List.of(step(on), step(off)));
            s.put(on + ": A; " + off + " call", List.of(step(on, "from-tag", "fa"), step(off)));
            s.put(on + ": A; " + off + " call, flag all", List.of(step(on, "from-tag", "fa"),
                step(off, "flags", List.of("all"))));
            s.put(on + ": A; " + off + " call, all=all key",
                List.of(step(on, "from-tag", "fa"), step(off, "all", "all")));
            s.put(on + ": A; " + off + " A", List.of(step(on, "from-tag", "fa"), step(off, "from-tag", "fa")));
            s.put(on + ": A, B; " + off + " A", List.of(step(on, "from-tag", "fa"), step(on, "from-tag", "tb"),
                step(off, "from-tag", "fa")));
            s.put(on + ": A; re-answer", List.of(step(on, "from-tag", "fa"), step(REANSWER)));
            s.put(on + ": call; re-offer", List.of(step(on), step(REOFFER)));
        }
        s.put("silence and block A", List.of(step("silence media", "from-tag", "fa"),
            step("block media", "from-tag", "fa")));
        s.put("block call; silence A; unblock call", List.of(step("block media"),
            step("silence media", "from-tag", "fa"), step("unblock media")));
        s.put("block media and block DTMF, call", List.of(step("block media"), step("block DTMF")));
        s.put("start forwarding", List.of(step("start forwarding")));
        s.put("start forwarding A; stop forwarding", List.of(step("start forwarding", "from-tag", "fa"),
            step("stop forwarding")));
        for (final String command : List.of("block media", "silence media", "block DTMF")) {
            s.put(MUX + command, List.of(step(command)));
        }
        s.put(MUX + "nothing", List.of());
        s.put("A moves", List.of(step(MOVE_A)));
        s.put("A moves; block media B", List.of(step(MOVE_A), step("block media", "from-tag", "tb")));
        s.put("A moves; silence media B", List.of(step(MOVE_A), step("silence media", "from-tag", "tb")));
        s.put("block DTMF B; A moves", List.of(step("block DTMF", "from-tag", "tb"), step(MOVE_A)));
        s.put("unsubscribe B", List.of(step("unsubscribe", "to-tag", "tb")));
        s.put("unsubscribe B from A", List.of(step("unsubscribe", "from-tag", "fa", "to-tag", "tb")));
        s.put("unsubscribe A from B", List.of(step("unsubscribe", "from-tag", "tb", "to-tag", "fa")));
        s.put("unsubscribe B; re-answer", List.of(step("unsubscribe", "to-tag", "tb"), step(REANSWER)));
        return s;
    }

    @Test
    void rtpengineAndWeBlockSilenceAndDropTheSamePackets() throws Exception {
        final Map<String, String> theirs = runScenarios(rtpengine, "rtpengine", Map.of());
        final Map<String, String> mine = runScenarios(ours, "ours", theirs);
        assertEquals(theirs.get("nothing"), mine.get("nothing"), "the call without commands");
        assertTrue(theirs.get("nothing").contains("pt0:11") && theirs.get("nothing").contains("rtcp"),
            "rtpengine relays the baseline: " + theirs.get("nothing"));
        final List<String> mismatches = new ArrayList<>();
        for (final Map.Entry<String, String> e : theirs.entrySet()) {
            if (!e.getValue().equals(mine.get(e.getKey()))) {
                mismatches.add(e.getKey() + "\n  rtpengine " + e.getValue() + "\n  ours      " + mine.get(e.getKey()));
            }
        }
        assertEquals(List.of(), mismatches);
        assertDropsCounted(mine);
    }

    /**
     * @param expected another relay's results by scenario: each probe waits for as many packets (see
     *                 {@link MediaControlScript#probe(String)}); empty to wait for quiet moments only.
     */
    private static Map<String, String> runScenarios(final NgTarget target, final String name,
        final Map<String, String> expected) throws Exception {
        final Map<String, String> results = new LinkedHashMap<>();
        try (NgClient ng = new NgClient(target.ngAddress())) {
            try (MediaControlScript warmUp = new MediaControlScript(ng, "mc-warm-up-" + name).establish()) {
                for (int i = 0; i < 5; i++) {
                    warmUp.probe();
                }
                warmUp.delete();
            }
            int n = 0;
            for (final Map.Entry<String, List<Step>> scenario : scenarios().entrySet()) {
                try (MediaControlScript call = new MediaControlScript(ng, "mc-" + name + "-" + n++,
                    scenario.getKey().startsWith(MUX)).establish()) {
                    final List<String> replies = new ArrayList<>();
                    for (final Step step : scenario.getValue()) {
                        replies.add(switch (step.command()) {
                            case REANSWER -> String.valueOf(call.answer().get("result"));
                            case REOFFER -> String.valueOf(call.reoffer().get("result"));
                            case MOVE_A -> String.valueOf(call.moveA().get("result"));
                            default -> call.command(step.command(), step.keysAndValues().toArray());
                        });
                    }
                    final String other = expected.get(scenario.getKey());
                    results.put(scenario.getKey(), replies + " => "
                        + call.probe(other == null ? null : other.substring(other.indexOf(" => ") + 4)));
                    call.delete();
                }
            }
        }
        return results;
    }

    private record Form(String name, Map<String, Object> keys) {
    }

    private static Form form(final String name, final Object... keysAndValues) {
        final Map<String, Object> keys = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            keys.put((String)keysAndValues[i], keysAndValues[i + 1]);
        }
        return new Form(name, keys);
    }

    /** Forms every command answers alike whatever the call's state; {@code KNOWN} stands for the call-id. */
    private static List<Form> commonForms(final String known) {
        return List.of(
            form("no call-id"),
            form("an integer call-id", "call-id", 5L),
            form("a list call-id", "call-id", List.of("a")),
            form("an unknown call", "call-id", "nope"),
            form("an unknown call and tag", "call-id", "nope", "from-tag", "zz"),
            form("an unknown call, flag all", "call-id", "nope", "flags", List.of("all")),
            form("an unknown from-tag", "call-id", known, "from-tag", "zz"),
            form("an unknown from-tag with to-tag", "call-id", known, "from-tag", "zz", "to-tag", "tb"),
            form("an empty from-tag", "call-id", known, "from-tag", ""),
            form("a label", "call-id", known, "label", "x"),
            form("a from-label", "call-id", known, "from-label", "x"),
            form("an integer to-tag", "call-id", known, "to-tag", 5L));
    }

    private static List<Form> blockForms(final String known) {
        final List<Form> forms = new ArrayList<>(commonForms(known));
        forms.addAll(List.of(
            form("the call", "call-id", known),
            form("from-tag", "call-id", known, "from-tag", "fa"),
            form("an integer from-tag", "call-id", known, "from-tag", 5L),
            form("a list from-tag", "call-id", known, "from-tag", List.of("fa")),
            form("to-tag", "call-id", known, "to-tag", "tb"),
            form("an unknown to-tag", "call-id", known, "to-tag", "zz"),
            form("from-tag, unknown to-tag", "call-id", known, "from-tag", "fa", "to-tag", "zz"),
            form("all key", "call-id", known, "all", "all"),
            form("flag all", "call-id", known, "flags", List.of("all")),
            form("flag all, unknown from-tag", "call-id", known, "flags", List.of("all"), "from-tag", "zz"),
            form("flags an integer", "call-id", known, "flags", 5L),
            form("an integer label", "call-id", known, "label", 5L),
            form("address", "call-id", known, "address", "127.0.0.1"),
            form("an unknown address", "call-id", known, "address", "10.0.0.1"),
            form("not an address", "call-id", known, "address", "nonsense"),
            form("an integer address", "call-id", known, "address", 5L)));
        return forms;
    }

    private static Map<String, String> malformedReplies(final NgTarget target, final String known) throws Exception {
        final Map<String, String> replies = new LinkedHashMap<>();
        try (NgClient ng = new NgClient(target.ngAddress());
            MediaControlScript call = new MediaControlScript(ng, known).establish()) {
            for (final MediaControlCommand command : MediaControlCommand.values()) {
                for (final Form f : blockForms(known)) {
                    replies.put(command.ngName() + ", " + f.name(), String.valueOf(ng.call(with(command.ngName(), f))));
                }
            }
            final List<Form> subscribe = new ArrayList<>(commonForms(known));
            subscribe.addAll(List.of(
                form("no party", "call-id", known),
                form("an integer from-tag", "call-id", known, "from-tag", 5L),
                form("only a to-tag", "call-id", known, "to-tag", "tb"),
                form("all key", "call-id", known, "all", "all"),
                form("unknown from-tags", "call-id", known, "from-tags", List.of("zz"))));
            for (final Form f : subscribe) {
                replies.put("subscribe request, " + f.name(), String.valueOf(ng.call(with("subscribe request", f))));
            }
            final List<Form> answer = new ArrayList<>(commonForms(known));
            answer.addAll(List.of(
                form("to-tag, no SDP", "call-id", known, "to-tag", "tb"),
                form("to-tag, an integer SDP", "call-id", known, "to-tag", "tb", "sdp", 5L),
                form("to-tag, an empty SDP", "call-id", known, "to-tag", "tb", "sdp", ""),
                form("to-tag, broken SDP", "call-id", known, "to-tag", "tb", "sdp", "garbage"),
                form("an unknown to-tag", "call-id", known, "to-tag", "zz", "sdp", SDP),
                form("an unknown to-tag, broken SDP", "call-id", known, "to-tag", "zz", "sdp", "garbage"),
                form("an integer to-tag with SDP", "call-id", known, "to-tag", 5L, "sdp", SDP),
                form("a party that subscribed to nothing", "call-id", known, "to-tag", "tb", "sdp", SDP)));
            for (final Form f : answer) {
                replies.put("subscribe answer, " + f.name(), String.valueOf(ng.call(with("subscribe answer", f))));
            }
            for (final Form f : List.of(form("no call-id"), form("an integer call-id", "call-id", 5L),
                form("an unknown call", "call-id", "nope", "to-tag", "tb"), form("no to-tag", "call-id", known),
                form("from-tag, no to-tag", "call-id", known, "from-tag", "fa"),
                form("an integer to-tag", "call-id", known, "to-tag", 5L),
                form("connect", "call-id", known, "from-tag", "fa", "to-tag", "tb"))) {
                replies.put("unsubscribe, " + f.name(), String.valueOf(ng.call(with("unsubscribe", f))));
                replies.put("connect, " + f.name(), String.valueOf(ng.call(with("connect", f))));
            }
            call.delete();
        }
        return replies;
    }

    private static Map<String, Object> with(final String command, final Form f) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", command);
        request.putAll(f.keys());
        return request;
    }

    @Test
    void everyCommandsMalformedFormsGetRtpenginesReplies() throws Exception {
        final Map<String, String> theirs = malformedReplies(rtpengine, "mc-malformed-rtpengine");
        final Map<String, String> mine = malformedReplies(ours, "mc-malformed-ours");
        final List<String> mismatches = new ArrayList<>();
        for (final Map.Entry<String, String> e : theirs.entrySet()) {
            if (!e.getValue().equals(mine.get(e.getKey()))) {
                mismatches.add(e.getKey() + ": rtpengine " + e.getValue() + ", ours " + mine.get(e.getKey()));
            }
        }
        assertEquals(List.of(), mismatches);
        assertEquals(theirs.keySet(), mine.keySet());
    }

    /**
     * Each packet our probes did not get is a counted drop: a missing telephone-event one {@code DTMF_BLOCKED}, any
     * other missing RTP {@code BLOCKED} (the Prometheus series {@code rtprelay_packets_dropped_total{reason}} reads
     * these counters), and so is a missing RTCP packet sent to the RTP port without rtcp-mux (rtpengine takes it
     * for RTP). A direction without RTCP is an unsubscribed one, whose packets are {@code NO_PEER} drops.
     */
    private static void assertDropsCounted(final Map<String, String> results) {
        final Map<String, List<Step>> scenarios = scenarios();
        long dtmf = 0;
        long media = 0;
        for (final Map.Entry<String, String> e : results.entrySet()) {
            final String probe = e.getValue().substring(e.getValue().indexOf(" => ") + 4);
            // after A moved, B sends each RTP packet twice (to its new and its old port), and both are dropped alike
            final boolean moved = scenarios.get(e.getKey()).stream().anyMatch(st -> MOVE_A.equals(st.command()));
            for (final String direction : probe.split(" \\| ")) {
                if (!direction.contains("rtcp") && !direction.contains(MUXED_RTCP)) {
                    continue;
                }
                final int copies = moved && direction.startsWith("B>") ? 2 : 1;
                for (final int payloadType : MediaControlScript.PAYLOAD_TYPES) {
                    if (!direction.contains("pt" + payloadType + ":")) {
                        if (payloadType == 101) {
                            dtmf += copies;
                        } else {
                            media += copies;
                        }
                    }
                }
                if (!direction.contains(MUXED_RTCP)) {
                    media++;
                }
            }
        }
        final GlobalCounters counters = ours.daemon().media().counters();
        assertTrue(dtmf > 0 && media > 0, "the scenarios drop DTMF and media: " + dtmf + ", " + media);
        assertEquals(dtmf, counters.drops(DropReason.DTMF_BLOCKED), "DTMF_BLOCKED drops");
        assertEquals(media, counters.drops(DropReason.BLOCKED), "BLOCKED drops");
    }

    /** Where we answer differently on purpose; each assertion shows both sides (README, "Where we differ"). */
    @Test
    void deliberateDifferencesStayDeliberate() throws Exception {
        try (NgClient toThem = new NgClient(rtpengine.ngAddress()); NgClient toUs = new NgClient(ours.ngAddress());
            MediaControlScript theirCall = new MediaControlScript(toThem, "mc-deliberate").establish();
            MediaControlScript ourCall = new MediaControlScript(toUs, "mc-deliberate").establish()) {
            // Debian's rtpengine has a media player; a build without one (and this relay) answers every request of
            // these commands with "unsupported", before looking at any key
            final Map<String, Object> unsupported = Map.of("result", "error", "error-reason",
                MediaPlayerCommands.UNSUPPORTED);
            for (final String command : MediaPlayerCommands.COMMANDS) {
                for (final Form f : List.of(form("no call-id"), form("an unknown call", "call-id", "nope"),
                    form("a party", "call-id", "mc-deliberate", "from-tag", "fa", "file", "/nonexistent.wav"),
                    form("the whole call", "call-id", "mc-deliberate", "flags", List.of("all"), "code", "5"))) {
                    assertEquals(unsupported, toUs.call(with(command, f)), command + ", " + f.name());
                }
                assertEquals(Map.of("result", "error", "error-reason", "No call-id in message"),
                    toThem.call(with(command, form("no call-id"))), "rtpengine with a player, " + command);
            }
            // subscribe request: rtpengine makes a new party that receives a copy of the media; we do not
            final Form valid = form("a party", "call-id", "mc-deliberate", "from-tag", "fa");
            final Map<String, Object> theirs = toThem.call(with("subscribe request", valid));
            assertEquals("ok", theirs.get("result"), "rtpengine: " + theirs);
            assertEquals(Map.of("result", "error", "error-reason", CallSubscriptions.NOT_IMPLEMENTED),
                toUs.call(with("subscribe request", valid)));
            assertNotEquals(theirs, toUs.call(with("subscribe request", valid)));
            theirCall.delete();
            ourCall.delete();
        }
    }
}
