package io.rtprelay.control.system;

import io.rtprelay.control.system.Sipp.Media;
import io.rtprelay.control.testkit.RtprelayTarget;
import io.rtprelay.relay.GlobalCounters;
import io.rtprelay.relay.forward.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Kamailio 5.6 runs an operator's script ({@code kamailio-media-control.cfg}) on SIPp calls through the
 * relay: {@code rtpengine_offer} with {@code codec-strip-PCMU}, and once answered {@code silence_media()},
 * {@code block_dtmf()} and {@code start_recording()} on one call, {@code block_media()} on another, undone on BYE
 * ({@code unsilence_media()}, {@code unblock_dtmf()}, {@code stop_recording()}, {@code unblock_media()}). Every
 * function returns success, and each does what it says on the wire: the callee is offered no PCMU; the recorded
 * (that is, forwarded) G.711 of both parties is A-law silence only and no RFC 4733 event got through, while the
 * relay counted the caller's DTMF packets as blocked; with the media blocked no G.711 is relayed (RFC 4733 events
 * still are, as on rtpengine).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KamailioMediaControlTest {
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** RFC 4733 events in the packaged DTMF capture the caller plays. */
    private static final int DTMF_PACKETS = 10;

    @TempDir
    Path dir;

    @Test
    void silenceBlockDtmfAndRecordingFromKamailioSilenceTheMediaAndDropTheEvents() throws IOException {
        final String callId = "systest-silence-" + UUID.randomUUID();
        final Path spool = Files.createDirectory(dir.resolve("spool"));
        final GlobalCounters counters;
        try (RtprelayTarget relay = RtprelayTarget.start("--delete-delay=0", "--recording-dir=" + spool);
             Sipp callee = Sipp.callee(dir, Media.ECHOES);
             Kamailio kamailio = Kamailio.start("kamailio-media-control.cfg", relay.ngAddress(), callee.sipPort(),
                 dir);
             Sipp caller = Sipp.caller("sipp-uac-media", dir, Media.PLAYS, kamailio.sipAddress(), callId)) {
            assertEquals(0, caller.awaitExit(), caller::report);
            assertEquals(0, callee.awaitExit(), callee::report);
            for (int i = 0; i < 100 && list(spool.resolve("metadata")).isEmpty(); i++) {
                LockSupport.parkNanos(POLL_NS);
            }
            assertFunctionsSucceeded(kamailio, List.of("rtpengine_offer", "silence_media", "block_dtmf",
                "start_recording", "stop_recording", "unblock_dtmf", "unsilence_media"));
            assertOfferWithoutPcmu(callee);
            counters = relay.daemon().media().counters();
            assertTrue(counters.drops(DropReason.DTMF_BLOCKED) >= DTMF_PACKETS,
                () -> "the caller's RFC 4733 events were dropped as blocked: " + counters);
        }
        final List<Path> pcaps = list(spool.resolve("pcaps"));
        assertEquals(1, pcaps.size(), () -> "pcaps: " + pcaps);
        final List<String> sources = new ArrayList<>();
        for (final List<String> frame : Tshark.fields(pcaps.get(0), "frame.protocols", "ip.src", "udp.srcport",
            "rtp.p_type", "rtp.payload")) {
            if (!frame.get(0).endsWith(":rtp")) {
                continue;
            }
            assertEquals("8", frame.get(3), () -> "only PCMA was forwarded, no telephone-event: " + frame);
            final String payload = frame.get(4).replace(":", "");
            assertTrue(payload.length() >= 2 && payload.matches("(d5)+"),
                () -> "A-law silence only, the relay silenced it: " + frame);
            sources.add(frame.get(1) + ":" + frame.get(2));
        }
        assertTrue(sources.size() >= 100, () -> sources.size() + " RTP packets recorded");
        assertEquals(2, sources.stream().distinct().count(), () -> "both parties' media: " + sources);
    }

    @Test
    void blockMediaFromKamailioStopsTheCallsAudio() {
        final String callId = "systest-block-" + UUID.randomUUID();
        try (RtprelayTarget relay = RtprelayTarget.start("--delete-delay=0");
             Sipp callee = Sipp.callee(dir, Media.ECHOES);
             Kamailio kamailio = Kamailio.start("kamailio-media-control.cfg", relay.ngAddress(), callee.sipPort(),
                 dir);
             Sipp caller = Sipp.caller("sipp-uac-media", dir, Media.PLAYS, kamailio.sipAddress(), callId)) {
            assertEquals(0, caller.awaitExit(), caller::report);
            assertEquals(0, callee.awaitExit(), callee::report);
            assertFunctionsSucceeded(kamailio, List.of("rtpengine_offer", "block_media", "unblock_media"));
            final GlobalCounters counters = relay.daemon().media().counters();
            assertTrue(counters.drops(DropReason.BLOCKED) >= 50,
                () -> "the caller's G.711 was dropped as blocked: " + counters);
            // as rtpengine, block media keeps RFC 4733 events: only they reach the callee, which echoes them
            assertTrue(counters.packetsRelayed() <= 2 * DTMF_PACKETS,
                () -> "nothing but telephone-events was relayed: " + counters);
        }
    }

    private static void assertFunctionsSucceeded(final Kamailio kamailio, final List<String> functions) {
        final List<String> lines = kamailio.process().lines();
        assertFalse(lines.stream().anyMatch(l -> l.contains("system test: ") && l.contains(" failed")),
            () -> "kamailio: " + kamailio.process().tail());
        for (final String function : functions) {
            assertTrue(lines.stream().anyMatch(l -> l.contains("system test: " + function + " ok")),
                () -> function + " was called and succeeded; kamailio: " + kamailio.process().tail());
        }
    }

    private static void assertOfferWithoutPcmu(final Sipp callee) {
        for (final Sipp.SipMessage message : callee.received()) {
            if (message.startLine().startsWith("INVITE ") && message.body().startsWith("v=0")) {
                assertTrue(message.body().contains(" RTP/AVP 8 101"),
                    () -> "codec-strip-PCMU: the callee is offered PCMA and telephone-event only:\n" + message.body());
                assertFalse(message.body().contains("PCMU"), message::body);
                return;
            }
        }
        throw new AssertionError("no INVITE with SDP reached the callee: " + callee.report());
    }

    private static List<Path> list(final Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.sorted().toList();
        }
    }
}
