package io.rtprelay.control.system;

import io.rtprelay.control.system.Sipp.Media;
import io.rtprelay.control.system.Sipp.SipMessage;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.NgTarget;
import io.rtprelay.control.testkit.Targets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A whole call the way production makes one: SIPp calls SIPp through a real Kamailio whose rtpengine module
 * drives the relay under test over ng, with the configuration an operator writes (explicit
 * rtpengine_offer/answer/delete, or rtpengine_manage as in Kamailio's default configuration). RTP flows through
 * the relay in both directions; the relay is asked over ng during the call and after the BYE.
 *
 * <p>One endpoint plays a G.711 capture, the other echoes what reaches it, so an echo proves the relay delivered
 * the played direction to the advertised address and carried the echo back; the two configurations swap which
 * side plays, so between them both directions are proven end to end. The relay runs with
 * {@code --delete-delay=0} (a standard rtpengine option) so that the delete Kamailio sends on BYE ends the call at
 * once instead of after rtpengine's default 30 seconds.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class KamailioSippCallTest {
    private static final Pattern AUDIO_PORT = Pattern.compile("(?m)^m=audio (\\d+) ");
    private static final Pattern CONNECTION = Pattern.compile("(?m)^c=IN IP4 (\\S+)\\s*$");
    private static final Pattern TAG = Pattern.compile(";\\s*tag=([^;>\\s]+)");
    private static final Duration MEDIA_DEADLINE = Duration.ofSeconds(10);
    private static final Duration RELEASE_DEADLINE = Duration.ofSeconds(3);
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    @TempDir
    Path dir;

    static Stream<Arguments> operatorConfigurations() {
        return Stream.of(
            Arguments.of("kamailio-offer-answer-delete.cfg", Media.PLAYS, Media.ECHOES),
            Arguments.of("kamailio-manage.cfg", Media.ECHOES, Media.PLAYS));
    }

    @ParameterizedTest(name = "{0}: caller {1}, callee {2}")
    @MethodSource("operatorConfigurations")
    void aCallThroughKamailioRelaysRtpBothWaysAndLeavesNothingBehind(final String config, final Media callerMedia,
                                                                      final Media calleeMedia) {
        final String callId = "systest-" + UUID.randomUUID();
        try (NgTarget relay = Targets.relayUnderTest("--delete-delay=0");
             NgClient ng = new NgClient(relay.ngAddress());
             Sipp callee = Sipp.callee(dir, calleeMedia);
             Kamailio kamailio = Kamailio.start(config, relay.ngAddress(), callee.sipPort(), dir);
             Sipp caller = Sipp.caller(dir, callerMedia, kamailio.sipAddress(), callId)) {

            final Map<String, Object> during = awaitPacketsBothWays(ng, callId, caller, kamailio);
            assertEquals(0, NgReplies.errors(during), () -> "the relay counted errors: " + during);

            assertEquals(0, caller.awaitExit(), caller::report);
            assertEquals(0, callee.awaitExit(), callee::report);

            final SipMessage invite = firstWithSdp(callee, "INVITE ");
            final SipMessage ok = firstWithSdp(caller, "SIP/2.0 200");
            final int calleeFacingPort = assertRelayMedia(relay, invite.body(), caller.mediaPort());
            final int callerFacingPort = assertRelayMedia(relay, ok.body(), callee.mediaPort());
            assertNotEquals(calleeFacingPort, callerFacingPort);
            assertTrue(NgReplies.localPorts(during).containsAll(List.of(calleeFacingPort, callerFacingPort)),
                () -> "the SDPs name the ports the relay reports: " + during);
            assertEquals(Set.of(tag(invite.header("From")), tag(ok.header("To"))),
                NgReplies.hash(during, "tags").keySet(), "the relay knows the call by the SIP tags");

            final Map<String, Object> query = ng.call(Map.of("command", "query", "call-id", callId));
            assertEquals("error", query.get("result"), () -> "after BYE the call is gone: " + query);
            final Map<String, Object> list = ng.call(Map.of("command", "list"));
            assertFalse(NgReplies.list(list, "calls").contains(callId), () -> "list after BYE: " + list);
            awaitNoPortsUsed(ng);
        }
    }

    /** Polls query until each of the call's two tags has received RTP. */
    private static Map<String, Object> awaitPacketsBothWays(final NgClient ng, final String callId,
                                                            final Sipp caller, final Kamailio kamailio) {
        final long deadlineNs = System.nanoTime() + MEDIA_DEADLINE.toNanos();
        Map<String, Object> lastOk = Map.of();
        Map<String, Object> last = Map.of();
        while (System.nanoTime() - deadlineNs < 0) {
            last = ng.call(Map.of("command", "query", "call-id", callId));
            if ("ok".equals(last.get("result"))) {
                lastOk = last;
                final Map<String, Long> packets = NgReplies.packetsByTag(last);
                if (packets.size() == 2 && packets.values().stream().allMatch(count -> count > 0)) {
                    return last;
                }
            }
            if (!caller.process().isAlive()) {
                break;
            }
            LockSupport.parkNanos(POLL_NS);
        }
        return fail("no RTP both ways through the relay for " + callId + "; last query: " + last
            + "\nlast successful query: " + lastOk + "\ncaller: " + caller.report()
            + "\nkamailio: " + kamailio.process().tail());
    }

    /**
     * Polls statistics until the relay reports none of its ports in use. (Binding the ports the SDPs named would
     * be the more direct proof, but on a shared machine another relay's range may hand them out again at once.)
     */
    private static void awaitNoPortsUsed(final NgClient ng) {
        final long deadlineNs = System.nanoTime() + RELEASE_DEADLINE.toNanos();
        while (true) {
            final Map<String, Object> statistics = ng.call(Map.of("command", "statistics"));
            final long used = NgReplies.portsUsed(statistics);
            if (used == 0) {
                return;
            }
            if (System.nanoTime() - deadlineNs > 0) {
                fail("the relay still uses " + used + " ports after the call ended: " + statistics);
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }

    private static SipMessage firstWithSdp(final Sipp sipp, final String startLinePrefix) {
        for (final SipMessage message : sipp.received()) {
            if (message.startLine().startsWith(startLinePrefix) && message.body().startsWith("v=0")) {
                return message;
            }
        }
        return fail("no '" + startLinePrefix + "' with SDP reached " + sipp.report());
    }

    /** Asserts the SDP names the relay's address and a port of its own; returns that port. */
    private static int assertRelayMedia(final NgTarget relay, final String sdp, final int endpointPort) {
        final Matcher connection = CONNECTION.matcher(sdp);
        final List<String> addresses = new ArrayList<>();
        while (connection.find()) {
            addresses.add(connection.group(1));
        }
        assertTrue(!addresses.isEmpty() && addresses.stream().allMatch(relay.mediaAddress()::equals),
            () -> "every c= line names the relay's " + relay.mediaAddress() + ":\n" + sdp);
        final Matcher port = AUDIO_PORT.matcher(sdp);
        assertTrue(port.find(), () -> "an audio m= line:\n" + sdp);
        final int relayPort = Integer.parseInt(port.group(1));
        assertNotEquals(endpointPort, relayPort, () -> "the relay replaced the endpoint's port:\n" + sdp);
        return relayPort;
    }

    private static String tag(final String header) {
        final Matcher tag = TAG.matcher(header == null ? "" : header);
        assertTrue(tag.find(), () -> "a tag in " + header);
        return tag.group(1);
    }
}
