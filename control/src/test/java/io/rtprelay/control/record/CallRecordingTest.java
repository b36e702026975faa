package io.rtprelay.control.record;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.NgClient;
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
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls recorded by our relay over ng, with real RTP on loopback, and the pcap read back by the real tshark.
 */
@Timeout(60)
class CallRecordingTest {
    private static final Pattern PCAP_NAME = Pattern.compile("(.+)-([0-9a-f]{16})\\.pcap");

    private final Closer closer = new Closer();
    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    @Test
    void aCallRecordedFromStartToStopIsOnePcapThatTsharkReadsWithEveryPacketRelayedBothWays() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--recording-dir=" + dir));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final RecordedCall call = closer.track(new RecordedCall(ng, "rec/one")).establish();
        assertFalse(call.answerReply.containsKey("recordings"), "not recorded yet");
        call.exchange(1, 2);

        assertEquals(Map.of("result", "ok"), call.command("start recording"));
        call.exchange(3, 10);
        call.rtcpBothWays();
        assertEquals(new RecordingTotals(1, 22, 0), relay.daemon().conductor().recordingTotals());
        assertEquals(Map.of("result", "ok"), call.command("stop recording"));
        assertEquals(new RecordingTotals(0, 22, 0), relay.daemon().conductor().recordingTotals());
        call.exchange(13, 2);
        assertEquals("ok", call.delete().get("result"));

        final Path pcap = onlyFile(dir.resolve("pcaps"));
        final Matcher name = PCAP_NAME.matcher(pcap.getFileName().toString());
        assertTrue(name.matches(), pcap.toString());
        assertEquals("rec%2Fone", name.group(1), "the call-id percent-encoded, as rtpengine names it");
        final List<List<String>> frames = Tshark.fields(pcap, call.relayRtpPorts(), "frame.protocols", "ip.src",
            "ip.dst", "udp.srcport", "udp.dstport", "rtp.seq", "rtp.payload", "rtcp.pt", "ip.ttl", "udp.checksum");
        assertEquals(22, frames.size(), () -> "frames: " + frames);
        final List<Integer> fromA = new ArrayList<>();
        final List<Integer> fromB = new ArrayList<>();
        int rtcp = 0;
        for (final List<String> f : frames) {
            assertEquals("127.0.0.1", f.get(1));
            assertEquals("127.0.0.1", f.get(2));
            assertEquals("64", f.get(8), "rtpengine's TTL");
            assertEquals("0x0000", f.get(9), "no UDP checksum, as rtpengine");
            final int source = Integer.parseInt(f.get(3));
            final int destination = Integer.parseInt(f.get(4));
            if (f.get(0).equals("raw:ip:udp:rtcp")) {
                assertEquals("200", f.get(7));
                rtcp++;
                continue;
            }
            assertEquals("raw:ip:udp:rtp", f.get(0), "link type raw, as rtpengine's default recording-format");
            final int seq = Integer.parseInt(f.get(5));
            assertEquals(RecordedCall.payloadHex(seq), f.get(6));
            if (source == call.a.rtp().getLocalPort()) {
                assertEquals(call.relayForA, destination, "recorded as received: A to the port advertised to A");
                fromA.add(seq);
            } else {
                assertEquals(call.b.rtp().getLocalPort(), source);
                assertEquals(call.relayForB, destination);
                fromB.add(seq);
            }
        }
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 9, 10, 11, 12), fromA);
        assertEquals(List.of(1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012), fromB);
        assertEquals(2, rtcp);

        final Path metadata = dir.resolve("metadata").resolve("rtpengine-meta-rec%2Fone-" + name.group(2) + ".txt");
        final String text = Files.readString(metadata, StandardCharsets.UTF_8);
        final List<String> lines = text.lines().toList();
        assertEquals(pcap.toString(), lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals("", lines.get(2));
        assertEquals("Timestamp terminated ms(first monologue): 0.000", lines.get(3), "stopped before the delete");
        assertEquals("", lines.get(4));
        assertTrue(lines.get(5).matches("call start time: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"), text);
        assertTrue(lines.get(6).matches("call end time: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"), text);
        assertEquals(7, lines.size(), text);
        assertTrue(text.endsWith("\n"));
        assertEquals(List.of(), list(dir.resolve("tmp")), "the metadata moves out of tmp/ when the recording ends");
    }

    @Test
    void recordCallInTheOfferRecordsTheSdpsSentAndTheMetadataUntilTheCallIsDeleted() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--recording-dir=" + dir));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final RecordedCall call = closer.track(new RecordedCall(ng, "rec-two"))
            .establish("record call", "yes", "metadata", "caller=alice|callee=bob");
        final Path pcap = onlyFile(dir.resolve("pcaps"));
        assertEquals(List.of(pcap.toString()), call.offerReply.get("recordings"));
        assertEquals(List.of(pcap.toString()), call.answerReply.get("recordings"));
        final Path tmp = onlyFile(dir.resolve("tmp"));
        assertTrue(tmp.getFileName().toString().matches("rtpengine-meta-rec-two-[0-9a-f]{16}\\.tmp"), tmp.toString());
        call.exchange(1, 3);
        assertEquals("ok", call.delete().get("result"));

        assertEquals(6, Tshark.fields(pcap, call.relayRtpPorts(), "rtp.seq").size());
        final String text = Files.readString(onlyFile(dir.resolve("metadata")), StandardCharsets.UTF_8);
        final String expectedStart = pcap + "\n\n\n"
            + "Timestamp started ms: §\nSDP mode: offer\nSDP before RTP packet: 1\n\n" + call.offerReply.get("sdp")
            + "\nTimestamp started ms: §\nSDP mode: answer\nSDP before RTP packet: 1\n\n"
            + call.answerReply.get("sdp") + "\nTimestamp terminated ms(first monologue): §\n\n";
        final String masked = text.replaceAll("ms(\\(first monologue\\))?: \\d{13}\\.\\d{3}\n", "ms$1: §\n");
        assertTrue(masked.startsWith(expectedStart), () -> "metadata:\n" + text);
        assertTrue(text.endsWith("\n\n\ncaller=alice|callee=bob\n"), text);
        assertEquals(List.of(), list(dir.resolve("tmp")));
    }

    @Test
    void aRecordedCallThatTimesOutEndsItsRecordingTerminatedAtTheTimeout() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--recording-dir=" + dir, "--timeout=1",
            "--silent-timeout=1"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        closer.track(new RecordedCall(ng, "rec-timeout")).establish("record call", "yes");
        final long startMs = System.currentTimeMillis();
        final Path metadataDir = dir.resolve("metadata");
        for (int i = 0; i < 100 && list(metadataDir).isEmpty(); i++) {
            Thread.sleep(50);
        }
        final String text = Files.readString(onlyFile(metadataDir), StandardCharsets.UTF_8);
        final Matcher terminated =
            Pattern.compile("Timestamp terminated ms\\(first monologue\\): (\\d+)\\.\\d{3}\n").matcher(text);
        assertTrue(terminated.find(), text);
        final long terminatedMs = Long.parseLong(terminated.group(1));
        assertTrue(terminatedMs >= startMs && terminatedMs <= System.currentTimeMillis(), text);
        assertEquals(List.of(), list(dir.resolve("tmp")));
    }

    @Test
    void withoutARecordingDirStartRecordingIsAnsweredOkAndNothingIsRecorded() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start());
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final RecordedCall call = closer.track(new RecordedCall(ng, "rec-off")).establish("record call", "yes");
        assertFalse(call.offerReply.containsKey("recordings"));
        assertEquals(Map.of("result", "ok"), call.command("start recording"));
        call.exchange(1, 1);
        assertEquals(Map.of("result", "ok"), call.command("stop recording"));
        assertEquals(Map.of("result", "error", "error-reason", "Unknown call-id"),
            ng.call(Map.of("command", "start recording", "call-id", "nope")));
        assertEquals(Map.of("result", "error", "error-reason", "No call-id in message"),
            ng.call(Map.of("command", "stop recording")));
    }

    static Path onlyFile(final Path directory) throws IOException {
        final List<Path> files = list(directory);
        assertEquals(1, files.size(), () -> directory + ": " + files);
        return files.get(0);
    }

    static List<Path> list(final Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.sorted().toList();
        }
    }
}
