package io.rtprelay.control.lifecycle;

import io.rtprelay.control.testkit.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The container image's AOT training workload really relays its calls (so the cache it trains is representative). */
@Timeout(60)
class AotTrainingTest {
    @Test
    void theTrainingRunRelaysEveryPacketOfItsCalls() throws Exception {
        final int portMin = FreePorts.mediaRange(200);
        final long relayed = AotTraining.train("--port-min=" + portMin, "--port-max=" + (portMin + 199),
            "--listen-ng=127.0.0.1:" + FreePorts.udp(), "--listen-http=127.0.0.1:" + FreePorts.udp());
        assertEquals(20 * 2 * 50, relayed);
    }
}
