package io.rtprelay.control.cli;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.FreePorts;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpLoad;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the CLI is deliberately safer than rtpengine 10.5 (README, "rtpengine's CLI"), on the real relay over its
 * real TCP socket: a prefix of {@code all} is no {@code terminate all}, a huge {@code maxsessions} is no drain, an
 * overlong line is refused, a CLI client that never finishes its line holds up neither ng nor other CLI
 * clients, and one that trickles its line is disconnected at the deadline.
 */
@Timeout(30)
class CliSafetyTest {
    private final Closer closer = new Closer();
    private RtprelayTarget relay;
    private InetSocketAddress cli;
    private NgClient ng;

    @BeforeEach
    void start() {
        relay = closer.track(RtprelayTarget.start("--listen-cli=127.0.0.1:" + FreePorts.udp()));
        cli = relay.daemon().cliAddress();
        ng = closer.track(new NgClient(relay.ngAddress()));
        assertEquals("ok", ng.call(RtpLoad.request("offer", "safe-call", "from-tag", "a",
            "sdp", RtpLoad.sdp(5000, 1))).get("result"));
    }

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    @Test
    void aPrefixOfAllOrNothingAfterTerminateEndsNoCall() throws IOException {
        // rtpengine 10.5 answers both "All calls terminated by operator." and ends every call
        assertEquals("\nCall Id not found (a).\n\n", send("terminate a\n"));
        assertEquals("\nCall Id not found (al).\n\n", send("terminate al\n"));
        assertEquals(CliParser.MORE_PARAMETERS, send("terminate \n"));
        assertEquals(1, relay.daemon().conductor().callCount(), "the call is still up");
    }

    @Test
    void aMaxsessionsBeyondIntegersIsNoLimitRatherThanItsLowBits() throws IOException {
        // rtpengine keeps the low 32 bits: 4294967296 would be 0, refusing every new call
        assertEquals("Success setting maxsessions to 4294967296\n", send("set maxsessions 4294967296\n"));
        assertEquals("Maximum sessions configured on rtpengine: 2147483647\n", send("list maxsessions\n"));
        assertEquals("ok", ng.call(RtpLoad.request("offer", "another-call", "from-tag", "a",
            "sdp", RtpLoad.sdp(5002, 2))).get("result"));
    }

    @Test
    void anOverlongLineIsRefused() throws IOException {
        assertEquals(CliServer.TOO_LONG, send("list sessions " + "x".repeat(CliServer.MAX_LINE) + "\n"));
    }

    @Test
    void aClientThatNeverEndsItsLineHoldsUpNeitherNgNorTheNextClient() throws IOException {
        try (Socket idle = new Socket(cli.getAddress(), cli.getPort())) {
            final OutputStream out = idle.getOutputStream();
            out.write("list sess".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertEquals(Map.of("result", "pong"), ng.call(Map.of("command", "ping")));
            assertEquals("Maximum sessions configured on rtpengine: -1\n", send("list maxsessions\n"));
        }
    }

    @Test
    void aClientThatTricklesItsLineIsDisconnectedAtTheDeadline() throws IOException {
        try (Socket slow = new Socket(cli.getAddress(), cli.getPort())) {
            slow.setSoTimeout(200);
            final OutputStream out = slow.getOutputStream();
            final InputStream in = slow.getInputStream();
            final long startNs = System.nanoTime();
            final long limitNs = TimeUnit.MILLISECONDS.toNanos(CliServer.READ_TIMEOUT_MS + 5_000);
            boolean closed = false;
            // a byte every 200 ms, never a line end: each read would be in time, the whole line is not
            while (!closed && System.nanoTime() - startNs < limitNs) {
                try {
                    out.write('x');
                    out.flush();
                    closed = in.read() < 0;
                } catch (final SocketTimeoutException e) {
                    continue;
                } catch (final SocketException e) {
                    closed = true;
                }
            }
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(closed, "still connected after " + tookMs + " ms");
            assertTrue(tookMs >= CliServer.READ_TIMEOUT_MS - 500, "closed after " + tookMs + " ms");
        }
        assertEquals("Maximum sessions configured on rtpengine: -1\n", send("list maxsessions\n"));
    }

    private String send(final String line) throws IOException {
        try (Socket socket = new Socket(cli.getAddress(), cli.getPort())) {
            socket.setSoTimeout(5_000);
            final OutputStream out = socket.getOutputStream();
            out.write(line.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
