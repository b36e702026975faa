package io.rtprelay.control.record;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpLoad;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.rtprelay.control.testkit.RtpLoad.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many recorded calls at once with paced RTP on loopback: every packet the relay delivered is in its call's pcap,
 * none of another call's, nothing lost to the recording ring.
 */
@Timeout(120)
class RecordingLoadTest {
    private static final int CALLS = 20;

    private final Closer closer = new Closer();
    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    @Test
    void everyPacketDeliveredOnTwentyRecordedCallsIsInItsOwnCallsPcap() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--recording-dir=" + dir));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final RtpLoad load = closer.track(RtpLoad.establish(ng, "load", CALLS));
        for (int i = 0; i < CALLS; i++) {
            assertEquals(Map.of("result", "ok"), ng.call(request("start recording", load.callId(i))));
        }
        load.startSending(50, Duration.ofSeconds(2));
        load.awaitFlowing(20, Duration.ofSeconds(20));
        long total = 0;
        for (int i = 0; i < CALLS; i++) {
            load.stopSending(i);
            load.awaitDelivered(i, Duration.ofSeconds(5));
            assertEquals(Map.of("result", "ok"), ng.call(request("stop recording", load.callId(i))));
            final long delivered = load.received(i, 0) + load.received(i, 1);
            assertEquals(delivered, records(onlyPcap(load.callId(i))), load.callId(i));
            total += delivered;
        }
        assertTrue(total >= CALLS * 2 * 20, "packets recorded: " + total);
        assertEquals(0, load.misrouted());
    }

    private Path onlyPcap(final String callId) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("pcaps"))) {
            final List<Path> files = s.filter(p -> p.getFileName().toString().startsWith(callId + "-")).toList();
            assertEquals(1, files.size(), () -> callId + ": " + files);
            return files.get(0);
        }
    }

    /** @return how many records the pcap holds, walking its record headers (libpcap format). */
    private static long records(final Path pcap) throws IOException {
        final ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        int offset = 24;
        long count = 0;
        while (offset + 16 <= file.limit()) {
            final int captured = file.getInt(offset + 8);
            assertTrue(captured > 0 && offset + 16 + captured <= file.limit(), "record " + count + " of " + pcap);
            assertEquals(200, captured, "IPv4 + UDP + 172 bytes of RTP");
            offset += 16 + captured;
            count++;
        }
        assertEquals(file.limit(), offset, "no partial record at the end of " + pcap);
        return count;
    }
}
