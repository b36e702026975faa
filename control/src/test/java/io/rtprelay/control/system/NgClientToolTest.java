package io.rtprelay.control.system;

import io.rtprelay.control.testkit.ManagedProcess;
import io.rtprelay.control.testkit.NgTarget;
import io.rtprelay.control.testkit.Targets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rtpengine's own command-line client ({@code rtpengine-ng-client}, Debian package rtpengine-utils, Perl
 * NGCP::Rtpengine, bencode over UDP) drives one call through the relay under test: ping, offer, answer, query,
 * list, delete. The client exits non-zero when the reply says {@code result: error}, prints the rewritten SDP
 * between scissor lines and the rest of the reply as a Perl Data::Dumper hash (without {@code result} when it is
 * {@code ok}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NgClientToolTest {
    private static final Path TOOL = Path.of("/usr/bin/rtpengine-ng-client");
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern SECTION = Pattern.compile(
        "(Old SDP|New SDP|Result dictionary):\n-----8<-----8<-----8<-----8<-----8<-----\n(.*?)\n"
            + "----->8----->8----->8----->8----->8-----", Pattern.DOTALL);
    private static final Pattern AUDIO_PORT = Pattern.compile("(?m)^m=audio (\\d+) ");
    private static final Pattern CONNECTION = Pattern.compile("(?m)^c=IN IP4 (\\S+)\\s*$");
    /** The callers' media ports the SDP names; nothing sends from them, so they need not be free. */
    private static final int CALLER_PORT = 40_000;
    private static final int CALLEE_PORT = 40_002;

    @TempDir
    Path dir;

    /** What one run of the tool showed. */
    private record ToolRun(int exitCode, String output, String newSdp, Map<String, Object> dictionary) {
        ToolRun assertOk() {
            assertEquals(0, exitCode, () -> "rtpengine-ng-client failed:\n" + output);
            if (dictionary != null && dictionary.containsKey("result")) {
                assertEquals("ok", dictionary.get("result"), () -> "reply: " + dictionary);
            }
            return this;
        }
    }

    @Test
    void pingIsAnsweredWithPong() {
        try (NgTarget relay = Targets.relayUnderTest()) {
            final ToolRun ping = run(relay, "ping");
            assertEquals(0, ping.exitCode(), ping.output());
            assertEquals("pong", ping.dictionary().get("result"), ping.output());
        }
    }

    @Test
    void offerAnswerQueryListAndDeleteDriveOneCallThroughItsLife() {
        try (NgTarget relay = Targets.relayUnderTest("--delete-delay=0")) {
            final String callId = "tool-" + UUID.randomUUID();
            final String fromTag = "caller-" + UUID.randomUUID();
            final String toTag = "callee-" + UUID.randomUUID();

            final ToolRun offer = run(relay, "offer", "--call-id=" + callId, "--from-tag=" + fromTag,
                "--sdp-file=" + sdpFile("offer.sdp", CALLER_PORT)).assertOk();
            final int offeredPort = assertRelayMedia(relay, offer, CALLER_PORT);

            final ToolRun answer = run(relay, "answer", "--call-id=" + callId, "--from-tag=" + fromTag,
                "--to-tag=" + toTag, "--sdp-file=" + sdpFile("answer.sdp", CALLEE_PORT)).assertOk();
            final int answeredPort = assertRelayMedia(relay, answer, CALLEE_PORT);
            assertNotEquals(offeredPort, answeredPort, "each side gets its own relay port");

            final Map<String, Object> query = run(relay, "query", "--call-id=" + callId).assertOk().dictionary();
            assertNotNull(query, "query prints the call");
            final Map<String, Object> tags = NgReplies.hash(query, "tags");
            assertEquals(Set.of(fromTag, toTag), tags.keySet(), () -> "tags of " + query);
            assertTrue(NgReplies.localPorts(query).containsAll(List.of(offeredPort, answeredPort)),
                () -> "query names the relay ports " + offeredPort + " and " + answeredPort + ": " + query);

            assertTrue(listedCalls(relay).contains(callId), "list shows the call");

            run(relay, "delete", "--call-id=" + callId, "--from-tag=" + fromTag).assertOk();

            final ToolRun queryAfterDelete = run(relay, "query", "--call-id=" + callId);
            assertNotEquals(0, queryAfterDelete.exitCode(), () -> "query of a deleted call answers "
                + queryAfterDelete.output());
            assertTrue(queryAfterDelete.output().contains("Error reason"), queryAfterDelete.output());
            assertTrue(!listedCalls(relay).contains(callId), "list no longer shows the call");
        }
    }

    @Test
    void aDeleteAskingForNoDelayEndsTheCallAtOnceWhateverTheRelayDefault() {
        try (NgTarget relay = Targets.relayUnderTest()) {
            final String callId = "tool-" + UUID.randomUUID();
            run(relay, "offer", "--call-id=" + callId, "--from-tag=caller",
                "--sdp-file=" + sdpFile("offer.sdp", CALLER_PORT)).assertOk();
            run(relay, "delete", "--call-id=" + callId, "--from-tag=caller", "--delete-delay=0").assertOk();
            final ToolRun query = run(relay, "query", "--call-id=" + callId);
            assertNotEquals(0, query.exitCode(), () -> "query of a deleted call answers " + query.output());
        }
    }

    /** Kamailio deletes twice in common configurations (on CANCEL and again in the failure route). */
    @Test
    void deletingACallTheRelayNoLongerKnowsSucceedsWithAWarning() {
        try (NgTarget relay = Targets.relayUnderTest("--delete-delay=0")) {
            final String callId = "tool-" + UUID.randomUUID();
            run(relay, "offer", "--call-id=" + callId, "--from-tag=caller",
                "--sdp-file=" + sdpFile("offer.sdp", CALLER_PORT)).assertOk();
            run(relay, "delete", "--call-id=" + callId, "--from-tag=caller").assertOk();
            final ToolRun again = run(relay, "delete", "--call-id=" + callId, "--from-tag=caller").assertOk();
            assertNotNull(again.dictionary(), again.output());
            assertTrue(again.dictionary().get("warning") instanceof String warning && !warning.isEmpty(),
                () -> "a warning says the call was not found: " + again.output());
        }
    }

    @Test
    void aQueryForACallTheRelayNeverSawIsAnError() {
        try (NgTarget relay = Targets.relayUnderTest()) {
            final ToolRun query = run(relay, "query", "--call-id=never-" + UUID.randomUUID());
            assertNotEquals(0, query.exitCode(), query.output());
            assertTrue(query.output().contains("Error reason"), query.output());
        }
    }

    private static int assertRelayMedia(final NgTarget relay, final ToolRun run, final int endpointPort) {
        assertNotNull(run.newSdp(), () -> "the reply carries SDP:\n" + run.output());
        final Matcher port = AUDIO_PORT.matcher(run.newSdp());
        assertTrue(port.find(), () -> "an audio m= line in\n" + run.newSdp());
        final int relayPort = Integer.parseInt(port.group(1));
        assertTrue(relayPort > 0 && relayPort < 65_536 && relayPort != endpointPort,
            () -> "the relay's own port replaces the endpoint's in\n" + run.newSdp());
        final Matcher connection = CONNECTION.matcher(run.newSdp());
        final List<String> addresses = new ArrayList<>();
        while (connection.find()) {
            addresses.add(connection.group(1));
        }
        assertTrue(!addresses.isEmpty() && addresses.stream().allMatch(relay.mediaAddress()::equals),
            () -> "every c= line names " + relay.mediaAddress() + " in\n" + run.newSdp());
        return relayPort;
    }

    private Set<String> listedCalls(final NgTarget relay) {
        final Map<String, Object> list = run(relay, "list").assertOk().dictionary();
        final Set<String> calls = new HashSet<>();
        for (final Object call : NgReplies.list(list, "calls")) {
            calls.add((String)call);
        }
        return calls;
    }

    private Path sdpFile(final String name, final int port) {
        final String sdp = "v=0\r\n"
            + "o=- 1545997027 1 IN IP4 127.0.0.1\r\n"
            + "s=tool\r\n"
            + "c=IN IP4 127.0.0.1\r\n"
            + "t=0 0\r\n"
            + "m=audio " + port + " RTP/AVP 0 8\r\n"
            + "a=rtpmap:0 PCMU/8000\r\n"
            + "a=rtpmap:8 PCMA/8000\r\n"
            + "a=sendrecv\r\n";
        try {
            return Files.writeString(dir.resolve(name), sdp, StandardCharsets.US_ASCII);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ToolRun run(final NgTarget relay, final String command, final String... options) {
        final List<String> line = new ArrayList<>(List.of(TOOL.toString(),
            "--proxy-address=" + relay.ngAddress().getHostString(),
            "--proxy-port=" + relay.ngAddress().getPort()));
        line.addAll(List.of(options));
        line.add(command);
        try (ManagedProcess tool = ManagedProcess.start("ng-client-" + command, line, dir)) {
            final int exitCode = tool.awaitExit(TOOL_TIMEOUT);
            final String output = tool.output();
            String newSdp = null;
            Map<String, Object> dictionary = null;
            final Matcher section = SECTION.matcher(output);
            while (section.find()) {
                if ("New SDP".equals(section.group(1))) {
                    newSdp = section.group(2);
                } else if ("Result dictionary".equals(section.group(1))) {
                    dictionary = PerlDump.parseHash(section.group(2));
                }
            }
            return new ToolRun(exitCode, output, newSdp, dictionary);
        }
    }
}
