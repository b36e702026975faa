package io.rtprelay.control.call;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.NgTarget;
import io.rtprelay.control.testkit.RtpengineDaemon;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which packets are forwarded where, under every {@code endpoint-learning} option and every learning flag, on the
 * real rtpengine 10.5 daemon and on our relay, driven by the same script: A and B talk; in the learning window a
 * third party C sends to A's relay port; after the window A and B talk, C sends again, then A2 (A after a NAT
 * rebinding). The two must agree step by step, except where we are deliberately safer: in the window rtpengine
 * moves A's endpoint to C (so B's next packets reach C), we do not, as C matches A's SDP endpoint less well than A
 * (README, "Where we differ").
 */
class EndpointLearningDifferentialTest {
    private static final List<List<String>> FLAGS = List.of(
        List.of(), List.of("strict-source"), List.of("media-handover"), List.of("asymmetric"));
    private static final String STOLEN_IN_WINDOW = "win: B after C";

    private final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    @ParameterizedTest(name = "endpoint-learning={0}")
    @ValueSource(strings = {"delayed", "immediate", "off", "heuristic"})
    @Timeout(60)
    void rtpengineAndWeForwardTheSamePacketsToTheSamePlaces(final String learning) throws Exception {
        final Map<String, Map<String, String>> theirs = run(closer.track(
            RtpengineDaemon.start("--endpoint-learning=" + learning)), learning);
        final Map<String, Map<String, String>> ours = run(closer.track(
            RtprelayTarget.start("--endpoint-learning=" + learning)), learning);
        for (final String flags : theirs.keySet()) {
            final Map<String, String> expected = new LinkedHashMap<>(theirs.get(flags));
            final Map<String, String> actual = ours.get(flags);
            if ("delayed".equals(learning) && !flags.contains("asymmetric")) {
                assertEquals("C<B", expected.get(STOLEN_IN_WINDOW), "rtpengine, " + flags + ": C takes A's audio");
                expected.put(STOLEN_IN_WINDOW, "A<B");
            }
            assertEquals(expected, actual, learning + ", flags " + flags);
        }
    }

    private static Map<String, Map<String, String>> run(final NgTarget relay, final String learning)
        throws Exception {
        final List<LearningScript> calls = new ArrayList<>();
        try (NgClient ng = new NgClient(relay.ngAddress())) {
            LearningScript.warmUp(ng);
            for (int i = 0; i < FLAGS.size(); i++) {
                calls.add(new LearningScript(ng, "learn-" + learning + "-" + i).establish(FLAGS.get(i)));
            }
            for (final LearningScript call : calls) {
                call.step("win: A", "A", 2);
                call.step("win: B", "B", 2);
                call.step("win: C to A's port", "C", 2);
                call.step(STOLEN_IN_WINDOW, "B", 2);
                call.step("win: A again", "A", 1);
                call.step("win: B after A", "B", 2);
            }
            // rtpengine compares its last-signal time in whole seconds: its 3 s window ends 3 to 4 s after the answer
            final long windowOverNs = calls.getLast().answeredNs() + 4_400_000_000L;
            while (System.nanoTime() - windowOverNs < 0) {
                LockSupport.parkNanos(windowOverNs - System.nanoTime());
            }
            final Map<String, Map<String, String>> results = new LinkedHashMap<>();
            for (int i = 0; i < calls.size(); i++) {
                final LearningScript call = calls.get(i);
                call.step("late: A", "A", 1);
                call.step("late: B", "B", 2);
                call.step("late: C to A's port", "C", 2);
                call.step("late: B after C", "B", 2);
                call.step("late: A2 (A rebound) to A's port", "A2", 2);
                call.step("late: B after A2", "B", 2);
                call.delete();
                results.put(FLAGS.get(i).toString(), call.steps());
            }
            return results;
        } finally {
            for (final LearningScript call : calls) {
                call.close();
            }
        }
    }
}
