package io.rtprelay.relay.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline: the tests' replacement for sleeping. */
public final class Await {
    private Await() {
    }

    /**
     * @param condition what must become true.
     * @param timeout   how long at most.
     * @param what      describes the state, for the failure message.
     */
    public static void until(final BooleanSupplier condition, final Duration timeout, final Supplier<String> what) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs >= 0) {
                throw new AssertionError("not within " + timeout + ": " + what.get());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
