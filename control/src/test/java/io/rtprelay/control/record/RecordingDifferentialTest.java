package io.rtprelay.control.record;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpengineDaemon;
import io.rtprelay.control.testkit.RtprelayTarget;
import io.rtprelay.control.testkit.Tshark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same recorded calls, with the same real RTP, through the real rtpengine 10.5 ({@code recording-method=pcap})
 * and through our relay: the ng replies, the recording directory's layout and file names, the metadata files (keys,
 * order, SDP blocks) and the packets in the pcaps (as tshark reads them) must be the same, with times, random file
 * suffixes, directories and ports masked.
 */
@Timeout(120)
class RecordingDifferentialTest {
    private static final String HEX16 = "[0-9a-f]{16}";
    private static final String TIMESTAMP =
        "(Timestamp started ms|Timestamp terminated ms\\(first monologue\\)): [1-9]\\d*\\.\\d{3}";

    private final Closer closer = new Closer();
    @TempDir
    Path theirs;
    @TempDir
    Path ours;

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    @Test
    void theSameCallsLeaveTheSameRepliesLayoutMetadataAndPacketsOnBothRelays() throws Exception {
        final RtpengineDaemon rtpengine = closer.track(RtpengineDaemon.start(
            "--recording-dir=" + theirs, "--recording-method=pcap"));
        final RtprelayTarget relay = closer.track(RtprelayTarget.start(
            "--recording-dir=" + ours, "--recording-method=pcap"));
        final Transcript expected = run(closer.track(new NgClient(rtpengine.ngAddress())), theirs);
        final Transcript actual = run(closer.track(new NgClient(relay.ngAddress())), ours);

        assertEquals(expected.replies, actual.replies);
        assertEquals(expected.layout, actual.layout);
        assertTrue(expected.layout.containsAll(List.of("metadata", "pcaps", "tmp")), () -> "" + expected.layout);
        assertEquals(expected.metadata, actual.metadata);
        assertEquals(expected.packets, actual.packets);
        assertFalse(expected.packets.isEmpty());
        // not a comparison of empty files: the re-INVITE's SDPs come after 12 recorded packets (10 RTP, 2 RTCP)
        final String reinvite = "SDP mode: answer\nSDP before RTP packet: 13\n";
        assertTrue(expected.metadata.stream().anyMatch(m -> m.contains(reinvite)), () -> "" + expected.metadata);
    }

    @Test
    void pauseRecordingIsOursAloneWhereRtpengineTenFiveAnswersUnrecognizedCommand() throws Exception {
        final RtpengineDaemon rtpengine = closer.track(RtpengineDaemon.start("--recording-dir=" + theirs));
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--recording-dir=" + ours));
        final NgClient toTheirs = closer.track(new NgClient(rtpengine.ngAddress()));
        final NgClient toOurs = closer.track(new NgClient(relay.ngAddress()));
        final RecordedCall theirCall = closer.track(new RecordedCall(toTheirs, "pause")).establish();
        final RecordedCall ourCall = closer.track(new RecordedCall(toOurs, "pause")).establish();
        assertEquals(Map.of("result", "ok"), theirCall.command("start recording"));
        assertEquals(Map.of("result", "ok"), ourCall.command("start recording"));
        // the documented difference (README): newer rtpengine releases know the command, 10.5 does not
        assertEquals(Map.of("result", "error", "error-reason", "Unrecognized command"),
            theirCall.command("pause recording"));
        assertEquals(Map.of("result", "ok"), ourCall.command("pause recording"));
        // 10.5's own pause, stop recording with the pause flag, is a stop for pcap recording: the same as ours
        assertEquals(Map.of("result", "ok"), theirCall.command("stop recording", "flags", List.of("pause")));
        assertEquals(layout(theirs), layout(ours));
        assertEquals(metadata(theirs), metadata(ours));
        theirCall.delete();
        ourCall.delete();
    }

    /** What a relay answered and wrote, masked. */
    private record Transcript(List<String> replies, List<String> layout, List<String> metadata,
        List<String> packets) {
    }

    private static Transcript run(final NgClient ng, final Path dir) throws IOException {
        final List<String> replies = new ArrayList<>();
        replies.add("start unknown " + ng.call(Map.of("command", "start recording", "call-id", "nope")));
        replies.add("stop unknown " + ng.call(Map.of("command", "stop recording", "call-id", "nope")));
        replies.add("start no call-id " + ng.call(Map.of("command", "start recording")));
        replies.add("stop int call-id " + ng.call(Map.of("command", "stop recording", "call-id", 5L)));
        final List<String> packets = new ArrayList<>();

        final RecordedCall one = new RecordedCall(ng, "diff-1").establish();
        one.exchange(1, 2);
        replies.add("start " + one.command("start recording"));
        replies.add("start again " + one.command("start recording"));
        one.exchange(3, 5);
        one.rtcpBothWays();
        one.reinvite();
        replies.add("re-offer " + masked(one.offerReply, dir));
        replies.add("re-answer " + masked(one.answerReply, dir));
        one.exchange(8, 2);
        replies.add("stop " + one.command("stop recording"));
        replies.add("stop again " + one.command("stop recording"));
        one.exchange(10, 1);
        replies.add("start with metadata " + one.command("start recording", "metadata", "second=yes"));
        one.exchange(11, 2);
        replies.add("delete " + result(one.delete()));

        final RecordedCall two = new RecordedCall(ng, "diff/2").establish("record call", "yes", "metadata", "k=v");
        replies.add("offer record call " + masked(two.offerReply, dir));
        replies.add("answer " + masked(two.answerReply, dir));
        two.exchange(1, 3);
        replies.add("delete " + result(two.delete()));

        final RecordedCall three = new RecordedCall(ng, "diff-3").establish("flags", List.of("record-call"));
        replies.add("offer record-call flag " + masked(three.offerReply, dir));
        three.exchange(1, 1);
        replies.add("delete " + result(three.delete()));

        final RecordedCall four = new RecordedCall(ng, "diff-4").establish("record call", "on");
        four.exchange(1, 1);
        four.reinvite("record call", "no");
        replies.add("re-offer record call no " + masked(four.offerReply, dir));
        replies.add("re-answer " + masked(four.answerReply, dir));
        four.exchange(2, 1);
        replies.add("stop after record call no " + four.command("stop recording"));
        replies.add("delete " + result(four.delete()));

        for (final RecordedCall call : List.of(one, two, three, four)) {
            for (final Path pcap : pcapsOf(dir, call.callId)) {
                packets.add(String.join("\n", packets(call, pcap)));
            }
            call.close();
        }
        // one entry per pcap, in an order that does not depend on the files' random names
        return new Transcript(replies, layout(dir), metadata(dir), packets.stream().sorted().toList());
    }

    private static Map<String, Object> result(final Map<String, Object> reply) {
        final Map<String, Object> out = new LinkedHashMap<>();
        for (final String key : List.of("result", "warning", "error-reason")) {
            if (reply.containsKey(key)) {
                out.put(key, reply.get(key));
            }
        }
        return out;
    }

    /** An offer or answer reply without its SDP (compared elsewhere), the recordings' paths masked. */
    private static String masked(final Map<String, Object> reply, final Path dir) {
        final Map<String, Object> out = result(reply);
        if (reply.containsKey("recordings")) {
            final List<String> paths = new ArrayList<>();
            for (final Object path : (List<?>)reply.get("recordings")) {
                paths.add(mask(path.toString(), dir));
            }
            out.put("recordings", paths);
        }
        return out.toString();
    }

    private static String mask(final String text, final Path dir) {
        return text.replace(dir.toString(), "DIR").replaceAll(HEX16, "RANDOM");
    }

    /** @return every directory and file under {@code dir}, relative, random suffixes masked, sorted. */
    private static List<String> layout(final Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir))
                .map(p -> mask(dir.relativize(p).toString(), dir)).sorted().toList();
        }
    }

    /** @return each metadata file, masked: times, the directory, random suffixes and media ports. */
    private static List<String> metadata(final Path dir) throws IOException {
        final List<String> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir.resolve("metadata"))) {
            for (final Path file : list.toList()) {
                final String text = Files.readString(file, StandardCharsets.UTF_8);
                files.add(mask(dir.relativize(file).toString(), dir) + "\n" + mask(text, dir)
                    .replaceAll(TIMESTAMP, "$1: TIME")
                    .replaceAll("(call (start|end) time): \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d", "$1: TIME")
                    .replaceAll("m=audio \\d+ ", "m=audio PORT ")
                    .replaceAll("a=rtcp:\\d+", "a=rtcp:PORT"));
            }
        }
        return files.stream().sorted().toList();
    }

    private static List<Path> pcapsOf(final Path dir, final String callId) throws IOException {
        final String prefix = CallRecorder.fileName(callId) + "-";
        try (Stream<Path> list = Files.list(dir.resolve("pcaps"))) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    /** @return the pcap's frames as tshark reads them, ports named by who they belong to. */
    private static List<String> packets(final RecordedCall call, final Path pcap) {
        final List<String> out = new ArrayList<>();
        for (final List<String> f : Tshark.fields(pcap, call.relayRtpPorts(), "frame.protocols", "frame.len",
            "ip.version", "ip.ttl", "ip.id", "ip.flags", "ip.checksum", "ip.src", "ip.dst", "udp.srcport",
            "udp.dstport", "udp.checksum", "rtp.seq", "rtp.ssrc", "rtp.payload", "rtcp.pt")) {
            final List<String> row = new ArrayList<>(f);
            row.set(9, portName(call, Integer.parseInt(f.get(9))));
            row.set(10, portName(call, Integer.parseInt(f.get(10))));
            out.add(call.callId + " " + row);
        }
        return out;
    }

    private static String portName(final RecordedCall call, final int port) {
        if (port == call.a.rtp().getLocalPort() || port == call.a.rtcp().getLocalPort()) {
            return port == call.a.rtp().getLocalPort() ? "A" : "A-rtcp";
        }
        if (port == call.b.rtp().getLocalPort() || port == call.b.rtcp().getLocalPort()) {
            return port == call.b.rtp().getLocalPort() ? "B" : "B-rtcp";
        }
        if (port == call.relayForA || port == call.relayForA + 1) {
            return port == call.relayForA ? "relay-A" : "relay-A-rtcp";
        }
        if (port == call.relayForB || port == call.relayForB + 1) {
            return port == call.relayForB ? "relay-B" : "relay-B-rtcp";
        }
        return "other " + port;
    }
}
