package io.rtprelay.control.cli;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.FreePorts;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpLoad;
import io.rtprelay.control.testkit.RtpengineCtl;
import io.rtprelay.control.testkit.RtprelayTarget;
import io.rtprelay.relay.transport.PortPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An operator at the real relay with Debian's real {@code rtpengine-ctl}: calls made over ng with media flowing
 * are listed, {@code set maxsessions 0} drains as rtpengine documents it (a new call gets {@code load limit}, a
 * live call is still answered and still forwards media), {@code terminate CALLID} ends a call and frees its ports,
 * and the session counts and totals say so.
 */
@Timeout(60)
class RtpengineCtlTest {
    private static final int PACKETS_PER_SECOND = 50;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern RELAYED = Pattern.compile("Total relayed packets \\(userspace\\) +:(\\d+)");

    private final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    @Test
    void anOperatorListsDrainsAndTerminatesCallsWithRtpengineCtl() throws Exception {
        assumeTrue(Files.isExecutable(RtpengineCtl.BINARY), "Debian's rtpengine-utils is not installed");
        final int cliPort = FreePorts.udp();
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--listen-cli=127.0.0.1:" + cliPort));
        final InetSocketAddress cli = relay.daemon().cliAddress();
        assertEquals(new InetSocketAddress("127.0.0.1", cliPort), cli);
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final RtpLoad load = closer.track(RtpLoad.establish(ng, "cli-call", 2));
        load.startSending(PACKETS_PER_SECOND, Duration.ofSeconds(40));
        load.awaitFlowing(10, WAIT);

        final String all = RtpengineCtl.run(cli, "list", "sessions", "all");
        assertEquals(2, all.lines().count(), all);
        for (int i = 0; i < 2; i++) {
            assertTrue(all.contains(String.format("callid: %60s | deletionmark:  no | created:", load.callId(i))),
                all);
        }
        assertTrue(all.contains("| proxy:127.0.0.1:"), all);
        final String one = RtpengineCtl.run(cli, "list", "sessions", load.callId(0));
        assertTrue(one.startsWith("\ncallid: " + load.callId(0) + "\ndeletionmark: no\ncreated: "), one);
        assertTrue(one.contains("--- Tag 'a', type: FROM_TAG, label '', branch '', callduration "), one);
        assertTrue(one.contains("---     subscribed to 'b'\n"), one);
        assertTrue(one.contains("--- Tag 'b', type: TO_TAG"), one);
        assertTrue(one.contains("------ Media #1 (audio over RTP/AVP) using unknown codec\n"), one);
        final Matcher packets = Pattern.compile("-------- Port +127\\.0\\.0\\.1:\\d+ <> +127\\.0\\.0\\.1:\\d+ *, "
            + "SSRC 0, (\\d+) p, (\\d+) b, 0 e, \\d+ ts\n").matcher(one);
        int rtpLines = 0;
        while (packets.find()) {
            rtpLines++;
            assertTrue(Long.parseLong(packets.group(1)) >= 10, "packets counted: " + packets.group());
            assertEquals(Long.parseLong(packets.group(1)) * 172, Long.parseLong(packets.group(2)), packets.group());
        }
        assertEquals(2, rtpLines, "one RTP port line per party: " + one);
        assertEquals(2, one.split("\\(RTCP\\)", -1).length - 1, one);
        assertEquals(numSessions(2), RtpengineCtl.run(cli, "list", "numsessions"));
        assertEquals("Maximum sessions configured on rtpengine: -1\n", RtpengineCtl.run(cli, "list", "maxsessions"));

        // the documented drain: nothing new, the live calls go on
        assertEquals("Success setting maxsessions to 0\n", RtpengineCtl.run(cli, "set", "maxsessions", "0"));
        assertEquals("Maximum sessions configured on rtpengine: 0\n", RtpengineCtl.run(cli, "list", "maxsessions"));
        final Map<String, Object> refused = ng.call(RtpLoad.request("offer", "cli-new-call", "from-tag", "x",
            "sdp", RtpLoad.sdp(4000, 1), "supports", List.of("load limit")));
        assertEquals(Map.of("result", "load limit", "message", "Parallel session limit reached"), refused);
        assertEquals("ok", ng.call(load.reOffer(1)).get("result"), "a live call is re-offered");
        final Map<String, Object> reAnswer = ng.call(load.reAnswer(1));
        assertEquals("ok", reAnswer.get("result"), "a live call is answered: " + reAnswer);
        awaitMore(load, 1, PACKETS_PER_SECOND / 2);
        awaitMore(load, 0, PACKETS_PER_SECOND / 2);
        // 2 calls x 2 directions x 50 packets a second, measured over the last one-second tick
        final long perSecond = packetsPerSecond(cli);
        assertTrue(perSecond >= PACKETS_PER_SECOND && perSecond <= 8 * PACKETS_PER_SECOND,
            "Packets per second (userspace): " + perSecond);

        final PortPool ports = relay.daemon().media().ports();
        final int freeBefore = ports.freePorts();
        load.stopSending(0);
        assertEquals("\nCall Id (" + load.callId(0) + ") successfully terminated by operator.\n\n",
            RtpengineCtl.run(cli, "terminate", load.callId(0)));
        assertEquals(freeBefore + 4, ports.freePorts(), "both parties' RTP/RTCP ports are back in the pool");
        assertEquals("\nCall ID not found (" + load.callId(0) + ").\n\n",
            RtpengineCtl.run(cli, "list", "sessions", load.callId(0)));
        assertEquals(Map.of("result", "error", "error-reason", "Unknown call-id"),
            ng.call(RtpLoad.request("query", load.callId(0))));
        assertEquals("\nCall Id not found (" + load.callId(0) + ").\n\n",
            RtpengineCtl.run(cli, "terminate", load.callId(0)));
        assertEquals(numSessions(1), RtpengineCtl.run(cli, "list", "numsessions"));

        final String totals = RtpengineCtl.run(cli, "list", "totals");
        assertTrue(totals.contains("\n Owned sessions                                  :1\n"), totals);
        assertTrue(totals.contains("\n Total managed sessions                          :1\n"), totals);
        assertTrue(totals.contains("\n Total rejected sessions                         :1\n"), totals);
        assertTrue(totals.contains("\n Total forced terminated sessions                :1\n"), totals);
        final Matcher relayed = RELAYED.matcher(totals);
        assertTrue(relayed.find(), totals);
        assertTrue(Long.parseLong(relayed.group(1)) > 4 * PACKETS_PER_SECOND / 2, relayed.group());
        assertTrue(totals.matches("(?s).*\n +127\\.0\\.0\\.1 \\| +\\d+ \\| +[1-9]\\d* \\| +[1-9]\\d* \\| .*"),
            "the ng client's row counts its offers and answers: " + totals);

        // lifting the limit lets new calls in again; terminate all ends the rest
        assertEquals("Success setting maxsessions to -1; disable feature\n",
            RtpengineCtl.run(cli, "set", "maxsessions", "-1"));
        assertEquals("ok", ng.call(RtpLoad.request("offer", "cli-new-call", "from-tag", "x",
            "sdp", RtpLoad.sdp(4000, 1))).get("result"));
        load.stopSending(1);
        assertEquals("All calls terminated by operator.\n", RtpengineCtl.run(cli, "terminate", "all"));
        assertEquals("No sessions on this media relay.\n", RtpengineCtl.run(cli, "list", "sessions", "all"));
        assertEquals(ports.totalPorts(), ports.freePorts(), "every port is back in the pool");
        assertEquals(0, relay.daemon().conductor().callCount());
    }

    /** Waits (at most {@link #WAIT}) until call {@code i} has received this many more packets each way. */
    private static void awaitMore(final RtpLoad load, final int i, final long more) {
        final long aToB = load.received(i, 0) + more;
        final long bToA = load.received(i, 1) + more;
        final long deadlineNs = System.nanoTime() + WAIT.toNanos();
        while (load.received(i, 0) < aToB || load.received(i, 1) < bToA) {
            assertTrue(System.nanoTime() - deadlineNs < 0, "call " + load.callId(i) + " still forwards media: "
                + load.received(i, 0) + "/" + aToB + ", " + load.received(i, 1) + "/" + bToA);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Polls {@code list counters} for up to three ticks until the rate is known (the first tick is 1 s in). */
    private static long packetsPerSecond(final InetSocketAddress cli) {
        final Pattern rate = Pattern.compile("\n Packets per second \\(userspace\\) +:(\\d+)\n");
        long last = 0;
        for (int attempt = 0; attempt < 30 && last == 0; attempt++) {
            final String counters = RtpengineCtl.run(cli, "list", "counters");
            final Matcher m = rate.matcher(counters);
            assertTrue(m.find(), counters);
            last = Long.parseLong(m.group(1));
            if (last == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        return last;
    }

    private static String numSessions(final int calls) {
        return "Current sessions own: " + calls + "\nCurrent sessions foreign: 0\nCurrent sessions total: " + calls
            + "\nCurrent transcoded media: 0\nCurrent sessions ipv4 only media: " + calls
            + "\nCurrent sessions ipv6 only media: 0\nCurrent sessions ip mixed  media: 0\n";
    }
}
