package io.rtprelay.control.lifecycle;

import io.rtprelay.control.call.CallConductor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The graceful drain: once asked (SIGTERM or SIGINT, the NATS {@code drain} endpoint, or HTTP through
 * {@link #drain(String)}), the relay is {@link RelayState#DRAINING}: an offer for a new call is answered
 * {@code result: load limit} as rtpengine answers at {@code max-sessions} (so Kamailio's rtpengine module moves the
 * call to its next relay), while ng keeps answering and every live call (re-offers, answers, queries, deletes, and
 * its media) goes on. When the last live call is gone, or {@code drain-timeout} after the drain began, the
 * {@code onDrained} action runs once (the daemon closes and the process exits 0). The data plane is never touched:
 * draining loses no packet of a live call.
 *
 * <p>Threads: {@link #drain(String)}, {@link #draining()} and {@link #state()} from any thread; state-change
 * listeners run on the thread that started the drain and must not block; the watch for the end runs on this
 * controller's own {@code drain} thread, and {@code onDrained} on a fresh {@code drain-exit} thread.
 */
public final class DrainController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DrainController.class);
    private static final long WATCH_INTERVAL_MS = 100;
    private static final long NS_PER_MS = 1_000_000L;

    private final CallConductor conductor;
    private final long drainTimeoutMs;
    private final Runnable onDrained;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Drain> drain = new AtomicReference<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean interruptedOnce = new AtomicBoolean();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("drain").daemon().factory());

    /** One drain: why and when it began. */
    private record Drain(String source, long startNs, long startEpochMs) {
    }

    /**
     * @param conductor      whose new calls are refused and whose live calls are waited for.
     * @param drainTimeoutMs how long a drain waits for live calls at most; 0: not at all.
     * @param onDrained      runs once when the drain is over (the daemon's close).
     */
    public DrainController(final CallConductor conductor, final long drainTimeoutMs, final Runnable onDrained) {
        this.conductor = conductor;
        this.drainTimeoutMs = drainTimeoutMs;
        this.onDrained = onDrained;
    }

    /**
     * Registers what runs whenever the state changes (the NATS announcer publishes at once).
     *
     * @param listener runs on the thread that changed the state; must not block.
     */
    public void onStateChange(final Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Starts draining; a second request changes nothing.
     *
     * @param source who asked, for the log: {@code SIGTERM}, {@code nats}, {@code http}, ...
     * @return true when this request started the drain, false when it was already draining.
     */
    public boolean drain(final String source) {
        final Drain started = new Drain(source, System.nanoTime(), System.currentTimeMillis());
        if (!drain.compareAndSet(null, started)) {
            LOG.info("drain requested again ({}); draining since {} ms ago (asked by {})", source,
                (System.nanoTime() - drain.get().startNs()) / NS_PER_MS, drain.get().source());
            return false;
        }
        conductor.refuseNewCalls();
        LOG.info("draining (asked by {}): new calls are refused, {} live calls go on; exit when the last ends or in "
            + "{} s at the latest", source, conductor.load().calls(), drainTimeoutMs / 1000);
        for (final Runnable listener : listeners) {
            try {
                listener.run();
            } catch (final RuntimeException e) {
                LOG.error("drain listener failed", e);
            }
        }
        watcher.scheduleWithFixedDelay(this::watch, 0, WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
        return true;
    }

    /** @return whether the relay is draining (readiness is false from then on). */
    public boolean draining() {
        return drain.get() != null;
    }

    /** @return {@link RelayState#READY} or {@link RelayState#DRAINING}. */
    public RelayState state() {
        return draining() ? RelayState.DRAINING : RelayState.READY;
    }

    /** @return who asked for the drain, or null while ready. */
    public String source() {
        final Drain d = drain.get();
        return d == null ? null : d.source();
    }

    /** @return when the drain ends at the latest (epoch ms), or 0 while ready. */
    public long deadlineEpochMs() {
        final Drain d = drain.get();
        return d == null ? 0 : d.startEpochMs() + drainTimeoutMs;
    }

    /**
     * Handles SIGTERM and SIGINT in place of the JVM: both start the drain; a second SIGINT (an operator's second
     * Ctrl-C) runs {@code stopNow} at once. For {@code main} only: a test's JVM keeps its own handlers.
     *
     * @param stopNow what a second SIGINT does (the daemon's close).
     */
    public void handleSignals(final Runnable stopNow) {
        SignalTrap.install("TERM", () -> drain("SIGTERM"));
        SignalTrap.install("INT", () -> {
            if (interruptedOnce.getAndSet(true)) {
                LOG.warn("second SIGINT: stopping now, {} live calls end", conductor.load().calls());
                Thread.ofPlatform().name("drain-exit").start(stopNow);
            } else {
                drain("SIGINT");
            }
        });
    }

    private void watch() {
        final Drain d = drain.get();
        if (d == null || finished.get()) {
            return;
        }
        final int live = conductor.load().calls();
        final long elapsedMs = (System.nanoTime() - d.startNs()) / NS_PER_MS;
        if (live == 0) {
            finish("the last call ended " + elapsedMs + " ms into the drain");
        } else if (elapsedMs >= drainTimeoutMs) {
            finish("drain-timeout of " + drainTimeoutMs / 1000 + " s reached with " + live + " live calls");
        }
    }

    private void finish(final String why) {
        if (finished.compareAndSet(false, true)) {
            LOG.info("drained: {}; stopping", why);
            watcher.shutdown();
            Thread.ofPlatform().name("drain-exit").start(onDrained);
        }
    }

    /** Stops watching; the drain, if any, no longer ends by itself. */
    @Override
    public void close() {
        finished.set(true);
        watcher.shutdownNow();
    }
}
