package io.rtprelay.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.rtprelay.relay.testkit.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak check the media suites end with can fail: a buffer dropped unreleased is reported. */
class LeakCheckTest {
    static {
        LeakCheck.install();
    }

    @Test
    @Timeout(30)
    void aBufferDroppedWithoutReleaseFailsTheCheck() {
        leak();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean reported = false;
        while (!reported && System.nanoTime() - deadlineNs < 0) {
            try {
                LeakCheck.assertNoLeaks();
            } catch (final AssertionError expected) {
                reported = true;
            }
        }
        assertTrue(reported, "the leak was not reported");
    }

    private static void leak() {
        final ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(42);
    }
}
