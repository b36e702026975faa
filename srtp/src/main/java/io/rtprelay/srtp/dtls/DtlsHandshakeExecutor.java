package io.rtprelay.srtp.dtls;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads DTLS handshakes run on, shared by every {@link DtlsSrtpSession} of the relay: Bouncy Castle's DTLS
 * protocol classes block in {@code DatagramTransport.receive}, so each handshake in progress holds one thread, and
 * none of them may be an event loop.
 *
 * <p>The cap is the defence against a flood of ClientHellos (or of calls that all start DTLS at once): at most
 * {@code maxConcurrentHandshakes} handshakes run at a time, each on one of as many daemon threads, and a session
 * that would be one more is refused at {@link DtlsSrtpSession#start()} (counted in
 * {@link DtlsCounters#handshakesRefused()}) instead of queued, so a flood costs neither threads nor memory beyond
 * the cap, and a handshake that gets a thread is never delayed behind others. A handshake holds its thread until it
 * completes, fails or times out (the session's handshake timeout, 30 s by default) or its session is closed; idle
 * threads end after a minute. Thread-safe.
 */
public final class DtlsHandshakeExecutor implements AutoCloseable {
    /** A cap for a relay of a few thousand calls: far more than the handshakes a second it sees in practice. */
    public static final int DEFAULT_MAX_CONCURRENT_HANDSHAKES = 64;

    private final int maxConcurrentHandshakes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final DtlsCounters counters = new DtlsCounters();
    private final ThreadPoolExecutor pool;

    /** An executor with {@link #DEFAULT_MAX_CONCURRENT_HANDSHAKES}. */
    public DtlsHandshakeExecutor() {
        this(DEFAULT_MAX_CONCURRENT_HANDSHAKES);
    }

    /**
     * @param maxConcurrentHandshakes the cap of handshakes in progress, and of threads.
     */
    public DtlsHandshakeExecutor(final int maxConcurrentHandshakes) {
        if (maxConcurrentHandshakes < 1) {
            throw new IllegalArgumentException("maxConcurrentHandshakes " + maxConcurrentHandshakes + " < 1");
        }
        this.maxConcurrentHandshakes = maxConcurrentHandshakes;
        final AtomicInteger threadNumber = new AtomicInteger();
        // The queue never holds more than the cap minus the running tasks: tryExecute takes a permit first.
        pool = new ThreadPoolExecutor(maxConcurrentHandshakes, maxConcurrentHandshakes, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                final Thread t = new Thread(r, "rtprelay-dtls-" + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs a handshake if the cap allows.
     *
     * @param handshake the blocking handshake.
     * @return false, counted as refused, if {@code maxConcurrentHandshakes} are in progress or the executor is
     *         closed.
     */
    boolean tryExecute(final Runnable handshake) {
        if (inFlight.incrementAndGet() > maxConcurrentHandshakes || pool.isShutdown()) {
            inFlight.decrementAndGet();
            counters.refused.incrementAndGet();
            return false;
        }
        try {
            pool.execute(() -> {
                try {
                    handshake.run();
                } finally {
                    inFlight.decrementAndGet();
                }
            });
            return true;
        } catch (final RuntimeException rejectedAfterClose) {
            inFlight.decrementAndGet();
            counters.refused.incrementAndGet();
            return false;
        }
    }

    /** @return the counters of every session on this executor. */
    public DtlsCounters counters() {
        return counters;
    }

    /** @return handshakes holding a thread now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** @return the cap. */
    public int maxConcurrentHandshakes() {
        return maxConcurrentHandshakes;
    }

    /** @return the threads alive in the pool now (never more than the cap). */
    public int threads() {
        return pool.getPoolSize();
    }

    /** Refuses new handshakes and interrupts those in progress (their sessions fail). */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
