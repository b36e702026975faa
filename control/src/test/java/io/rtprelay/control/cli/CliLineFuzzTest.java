package io.rtprelay.control.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.rtprelay.control.call.CallConductor;
import io.rtprelay.control.config.ConfigException;
import io.rtprelay.control.config.RelayConfig;
import io.rtprelay.control.ng.NgException;
import io.rtprelay.control.ng.NgRequest;
import io.rtprelay.control.testkit.FreePorts;
import io.rtprelay.control.testkit.RtpLoad;
import io.rtprelay.relay.MediaPlane;
import io.rtprelay.relay.MediaPlaneConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of CLI connections (docs/FUZZING.md): the input is a sequence of connections' bytes
 * separated by two NUL bytes, each read as {@link CliServer} reads it and answered by the daemon's
 * {@link CliCommandAdapter} on a real {@link CallConductor} and {@link MediaPlane} holding two calls made over ng.
 * Every line is answered without an internal error, with text that ends in a line end (only {@code params diff}
 * and {@code params revert} may answer nothing), no longer than a bound; parsing is deterministic; the limits stay
 * in range (max-sessions -1 or more, timeouts 0 or more); afterwards, terminating every call leaves every port in
 * the pool. Seeds: the commands an operator types and the lines of CliDifferentialTest, in
 * {@code CliLineFuzzTestInputs/}.
 */
class CliLineFuzzTest {
    private static final int PORTS = 40;
    /** The longest line echoed back in an error, plus far more than two calls' listing, totals or params take. */
    private static final int MAX_ANSWER = CliServer.MAX_LINE + 64 * 1024;

    private static MediaPlane media;
    private static CallConductor conductor;
    private static CliCommandAdapter cli;
    private static int freeAtStart;
    private static Level levelBefore;
    private static final Logger RELAY_LOGGER = (Logger)LoggerFactory.getLogger("io.rtprelay");

    @BeforeAll
    static void start() throws ConfigException {
        levelBefore = RELAY_LOGGER.getLevel();
        RELAY_LOGGER.setLevel(Level.ERROR);
        final int portMin = FreePorts.mediaRange(PORTS);
        final RelayConfig config = RelayConfig.parse("--interface=127.0.0.1", "--port-min=" + portMin,
            "--port-max=" + (portMin + PORTS - 1), "--num-threads=1", "--delete-delay=0",
            "--listen-cli=127.0.0.1:9900");
        media = new MediaPlane(new MediaPlaneConfig(config.transport(), config.numThreads(), config.portMin(),
            config.portMax(), config.tos()));
        conductor = new CallConductor(config, media);
        freeAtStart = media.ports().freePorts();
        cli = new CliCommandAdapter(conductor, config, Map::of, new InetSocketAddress("127.0.0.1", 9900),
            new RelayRates(media.counters(), System.nanoTime()));
    }

    @AfterAll
    static void stop() {
        conductor.destroyAll();
        media.close();
        RELAY_LOGGER.setLevel(levelBefore);
    }

    @FuzzTest
    void everyLineIsAnsweredWithoutInternalErrorsAndNothingLeaks(final byte[] input) throws NgException {
        call("fuzz-one", true);
        call("fuzz-two", false);
        int start = 0;
        for (int i = 0; i + 1 < input.length; i++) {
            if (input[i] == 0 && input[i + 1] == 0) {
                connection(Arrays.copyOfRange(input, start, i));
                start = i + 2;
                i++;
            }
        }
        connection(Arrays.copyOfRange(input, start, input.length));
        conductor.terminateAll();
        conductor.maxSessions(-1);
        assertEquals(0, conductor.callCount());
        assertEquals(freeAtStart, media.ports().freePorts(), "media ports leaked");
    }

    private static void connection(final byte[] bytes) {
        final String line;
        try {
            line = CliServer.readLine(new ByteArrayInputStream(bytes));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        if (line == null) {
            return;
        }
        assertTrue(line.length() <= CliServer.MAX_LINE + 1, "a line is read up to its bound");
        assertEquals(CliParser.parse(line), CliParser.parse(line), "parsing is deterministic");
        final long internalBefore = cli.internalErrors();
        final String answer = cli.onLine(line);
        assertEquals(internalBefore, cli.internalErrors(), "an internal error answered " + line);
        assertNotNull(answer);
        assertTrue(answer.length() <= MAX_ANSWER, () -> "an answer of " + answer.length() + " chars");
        final CliCommand parsed = CliParser.parse(line);
        if (answer.isEmpty()) {
            assertTrue(parsed instanceof CliCommand.Params, () -> "an empty answer to " + parsed);
        } else {
            assertTrue(answer.endsWith("\n"), () -> "an answer without a line end: " + answer);
        }
        assertTrue(conductor.maxSessions() >= -1);
        assertTrue(conductor.timeoutS() >= 0 && conductor.silentTimeoutS() >= 0 && conductor.finalTimeoutS() >= 0);
    }

    /** Makes a call over the conductor's ng entry point, answered or only offered, unless it exists. */
    private static void call(final String callId, final boolean answered) throws NgException {
        conductor.maxSessions(-1);
        final Map<String, Object> offer = RtpLoad.request("offer", callId, "from-tag", "a",
            "sdp", RtpLoad.sdp(5000, 1));
        assertEquals("ok", conductor.offer(new NgRequest(offer, "127.0.0.1:5060")).get("result"));
        if (answered) {
            final Map<String, Object> answer = RtpLoad.request("answer", callId, "from-tag", "a", "to-tag", "b",
                "sdp", RtpLoad.sdp(6000, 2));
            assertEquals("ok", conductor.answer(new NgRequest(answer, "127.0.0.1:5060")).get("result"));
        }
    }
}
