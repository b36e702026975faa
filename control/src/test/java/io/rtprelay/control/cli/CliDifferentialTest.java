package io.rtprelay.control.cli;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.FreePorts;
import io.rtprelay.control.testkit.ManagedProcess;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtpLoad;
import io.rtprelay.control.testkit.RtpengineCtl;
import io.rtprelay.control.testkit.RtpengineDaemon;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CLI against the real rtpengine 10.5: one script of {@code rtpengine-ctl} commands (and raw lines, for the
 * protocol's corners that rtpengine-ctl's trimming hides) runs on both relays, each with the same two calls made
 * over ng (one answered, one only offered), and every answer must match rtpengine's after this normalisation and
 * nothing else:
 * <ol>
 *   <li>every decimal number, with the spaces that pad it on its left and its sign, becomes {@code " N"}: values
 *       (ports, times, counts, durations, the ng client's port) and the width they were padded to are not
 *       compared; every label, its padding, the punctuation, the line order and the number of lines are;</li>
 *   <li>the lines of {@code list sessions all|own} are sorted: rtpengine lists its calls in hash-table order.</li>
 * </ol>
 * The timeouts the script sets are far longer than the script runs, so that neither relay's sweeper ends a call
 * on its own schedule halfway through (a final timeout of 5 s did, on a loaded machine).
 * No media is sent: with media, rtpengine names the codec of the packets and their SSRC, which this relay does not
 * track (README lists it). Commands where we deliberately differ are not in the script (README: {@code terminate}
 * with a prefix of {@code all}, a {@code maxsessions} beyond 2^31-1, {@code help}).
 */
@Timeout(90)
class CliDifferentialTest {
    private static final Pattern NUMBER = Pattern.compile(" *-?\\d+(\\.\\d+)?");

    private final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    /** One step of the script: a command through rtpengine-ctl, a raw line, or an ng request. */
    private record Step(String label, String[] ctl, String raw, Map<String, Object> ng) {
    }

    @Test
    void everyCliAnswerMatchesRtpengines() {
        assumeTrue(Files.isExecutable(RtpengineCtl.BINARY), "Debian's rtpengine-utils is not installed");
        // a child process binds it later: a port from the band below the ephemeral range, as for its ng port
        final int theirCli = FreePorts.childUdp();
        final RtpengineDaemon rtpengine = closer.track(RtpengineDaemon.start("--listen-cli=127.0.0.1:" + theirCli));
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--listen-cli=127.0.0.1:" + FreePorts.udp()));
        final List<Step> script = script();
        final List<String> theirs = run(script, new InetSocketAddress("127.0.0.1", theirCli),
            closer.track(new NgClient(rtpengine.ngAddress())));
        final List<String> ours = run(script, relay.daemon().cliAddress(),
            closer.track(new NgClient(relay.ngAddress())));
        transcript("rtpengine", script, theirs);
        transcript("rtprelay", script, ours);
        int compared = 0;
        for (int i = 0; i < script.size(); i++) {
            final Step step = script.get(i);
            assertEquals(normalise(step, theirs.get(i)), normalise(step, ours.get(i)),
                "step " + i + " '" + step.label() + "': rtpengine answered\n" + theirs.get(i) + "\nwe answered\n"
                    + ours.get(i));
            compared++;
        }
        assertEquals(script.size(), compared);
        assertTrue(theirs.get(index(script, "list sessions all")).contains("diff-one"),
            "the script saw the calls: " + theirs);
    }

    /** Both transcripts, unnormalised, go to target/system-logs for a reader to compare. */
    private static void transcript(final String who, final List<Step> script, final List<String> answers) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < script.size(); i++) {
            sb.append("=== ").append(script.get(i).label()).append('\n').append(answers.get(i)).append('\n');
        }
        try {
            Files.createDirectories(ManagedProcess.LOG_DIRECTORY);
            Files.writeString(ManagedProcess.LOG_DIRECTORY.resolve("cli-differential-" + who + ".txt"), sb,
                StandardCharsets.ISO_8859_1);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int index(final List<Step> script, final String label) {
        for (int i = 0; i < script.size(); i++) {
            if (script.get(i).label().equals(label)) {
                return i;
            }
        }
        throw new AssertionError(label);
    }

    private static List<Step> script() {
        final List<Step> s = new ArrayList<>();
        ng(s, RtpLoad.request("offer", "diff-one", "from-tag", "ft-one", "sdp", RtpLoad.sdp(5000, 1)));
        ng(s, RtpLoad.request("answer", "diff-one", "from-tag", "ft-one", "to-tag", "tt-one",
            "sdp", RtpLoad.sdp(6000, 2)));
        ng(s, RtpLoad.request("offer", "diff-two", "from-tag", "ft-two", "sdp", RtpLoad.sdp(5002, 3)));
        for (final String c : List.of("list numsessions", "list maxsessions", "list timeout", "list silenttimeout",
            "list finaltimeout", "list deletedelay", "list sessions all", "list sessions own",
            "list sessions foreign", "list sessions diff-one", "list sessions diff-two", "list sessions nosuch",
            "list interfaces", "list totals", "list counters", "params start", "params current", "params diff",
            "get numsessions", "get maxsessions",
            "set maxsessions 5", "list maxsessions", "set maxsessions -1", "set maxsessions -5",
            "set maxsessions abc", "set maxsessions 5x", "set maxsessions 99999999999",
            "set maxsessions 9223372036854775808", "set maxsessions 0", "list maxsessions", "params diff")) {
            ctl(s, c);
        }
        ng(s, RtpLoad.request("offer", "diff-three", "from-tag", "ft-three", "sdp", RtpLoad.sdp(5004, 4),
            "supports", List.of("load limit")));
        ng(s, RtpLoad.request("answer", "diff-one", "from-tag", "ft-one", "to-tag", "tt-one",
            "sdp", RtpLoad.sdp(6000, 2)));
        for (final String c : List.of("set maxsessions -1", "set timeout 300", "list timeout", "set timeout abc",
            "set timeout -3", "set timeout 2147483646", "set timeout 2147483647", "set timeout 99999999999999999999",
            "set silenttimeout 100", "list silenttimeout", "set finaltimeout 7200", "list finaltimeout", "params diff",
            "params revert", "params diff", "list timeout", "list maxsessions",
            "foo", "list", "list foo", "set", "set foo 1", "set maxsessions", "set timeout", "params",
            "params foo", "terminate", "list sessions", "list num", "LIST numsessions")) {
            ctl(s, c);
        }
        for (final String line : List.of("listx numsessions\n", "set maxsessions5\n", "list numsessionsfoo\n",
            "list sessions \n", "list sessions  \n", "\r\nlist timeout\r\n", "list timeout\0junk\n", "list \n",
            " list numsessions\n", "list\tmaxsessions\n", "set maxsessions  x\n", "set maxsessions +3\n",
            "set maxsessions \n", "set timeout 0x10\n", "list timeout\n", "set maxsessions -1\n",
            "set timeout 60\n", "list sessions all \n", "terminate alls\n", "list maxsessions\nlist timeout\n")) {
            s.add(new Step("raw " + line.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0"), null,
                line, null));
        }
        // a delete with the default delete delay (30 s on both): the call lingers, marked
        ng(s, RtpLoad.request("delete", "diff-one", "from-tag", "ft-one"));
        for (final String c : List.of("list sessions all", "list sessions diff-one", "list numsessions",
            "terminate nosuch", "terminate diff-two", "list sessions diff-two",
            "list numsessions", "list totals", "list interfaces", "terminate all", "list sessions all",
            "list numsessions", "list totals", "terminate own", "terminate foreign")) {
            ctl(s, c);
        }
        return s;
    }

    private static void ctl(final List<Step> s, final String command) {
        s.add(new Step(command, command.split(" "), null, null));
    }

    private static void ng(final List<Step> s, final Map<String, Object> request) {
        s.add(new Step("ng " + request.get("command") + " " + request.get("call-id"), null, null, request));
    }

    private static List<String> run(final List<Step> script, final InetSocketAddress cli, final NgClient ng) {
        final List<String> out = new ArrayList<>();
        for (final Step step : script) {
            if (step.ctl() != null) {
                out.add(RtpengineCtl.run(cli, step.ctl()));
            } else if (step.raw() != null) {
                out.add(raw(cli, step.raw()));
            } else {
                final Map<String, Object> reply = ng.call(step.ng());
                // the SDP is compared by the SDP differential tests; here only whether the call was taken
                out.add(String.valueOf(reply.get("result")) + " " + reply.getOrDefault("message", ""));
            }
        }
        return out;
    }

    /** Sends one raw line and reads until the server closes, as rtpengine-ctl does. */
    private static String raw(final InetSocketAddress cli, final String line) {
        try (Socket socket = new Socket(cli.getAddress(), cli.getPort())) {
            socket.setSoTimeout(5_000);
            final OutputStream out = socket.getOutputStream();
            out.write(line.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String normalise(final Step step, final String answer) {
        final String numbers = NUMBER.matcher(answer).replaceAll(" N");
        if (!step.label().startsWith("list sessions all") && !step.label().startsWith("list sessions own")) {
            return numbers;
        }
        final List<String> lines = new ArrayList<>(numbers.lines().toList());
        lines.sort(null);
        return String.join("\n", lines) + (numbers.endsWith("\n") ? "\n" : "");
    }
}
