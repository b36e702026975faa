package io.rtprelay.control.system;

import io.rtprelay.control.system.Sipp.Media;
import io.rtprelay.control.testkit.NgTarget;
import io.rtprelay.control.testkit.Targets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Kamailio 5.6 records a SIPp call through the relay with its rtpengine module's {@code start_recording()}
 * and {@code stop_recording()}: both succeed, and the real tshark reads RTP of both parties from the pcap the relay
 * wrote, with rtpengine's metadata file next to it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KamailioRecordingTest {
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    @TempDir
    Path dir;

    @Test
    void startAndStopRecordingFromKamailioLeaveAPcapWithBothPartiesRtp() throws IOException {
        final String callId = "systest-rec-" + UUID.randomUUID();
        final Path spool = Files.createDirectory(dir.resolve("spool"));
        try (NgTarget relay = Targets.relayUnderTest("--delete-delay=0", "--recording-dir=" + spool);
             Sipp callee = Sipp.callee(dir, Media.ECHOES);
             Kamailio kamailio = Kamailio.start("kamailio-recording.cfg", relay.ngAddress(), callee.sipPort(), dir);
             Sipp caller = Sipp.caller(dir, Media.PLAYS, kamailio.sipAddress(), callId)) {
            assertEquals(0, caller.awaitExit(), caller::report);
            assertEquals(0, callee.awaitExit(), callee::report);
            final Path metadataDir = spool.resolve("metadata");
            for (int i = 0; i < 100 && list(metadataDir).isEmpty(); i++) {
                LockSupport.parkNanos(POLL_NS);
            }
            assertFalse(kamailio.process().lines().stream().anyMatch(l -> l.contains("system test: ")
                && l.contains("failed")), () -> "kamailio: " + kamailio.process().tail());
        }
        final List<Path> pcaps = list(spool.resolve("pcaps"));
        assertEquals(1, pcaps.size(), () -> "pcaps: " + pcaps);
        assertTrue(pcaps.get(0).getFileName().toString().matches(callId + "-[0-9a-f]{16}\\.pcap"), pcaps::toString);
        final List<Path> metadata = list(spool.resolve("metadata"));
        assertEquals(1, metadata.size(), () -> "metadata: " + metadata);
        assertTrue(Files.readString(metadata.get(0), StandardCharsets.UTF_8).startsWith(pcaps.get(0) + "\n\n\n"));
        assertEquals(List.of(), list(spool.resolve("tmp")));

        final List<String> rtpSources = new ArrayList<>();
        for (final List<String> frame : Tshark.fields(pcaps.get(0), "frame.protocols", "ip.src", "udp.srcport")) {
            if (frame.get(0).endsWith(":rtp")) {
                rtpSources.add(frame.get(1) + ":" + frame.get(2));
            }
        }
        final Set<String> parties = new HashSet<>(rtpSources);
        assertEquals(2, parties.size(), () -> "RTP from both parties: " + parties + " in " + rtpSources.size());
        assertTrue(rtpSources.size() >= 20, () -> rtpSources.size() + " RTP packets recorded");
    }

    private static List<Path> list(final Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.sorted().toList();
        }
    }
}
