package io.rtprelay.bench.jmh;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's benchmark threads as Netty's {@code FastThreadLocalThread}s, like the relay's event loop threads
 * ({@code -Djmh.executor=CUSTOM -Djmh.executor.class=io.rtprelay.bench.jmh.EventLoopThreadExecutor}). Netty 4.2's
 * {@code Recycler} pools objects (e.g. the outbound buffer's entries) only on such threads; on a plain JMH thread it
 * allocates a fresh one each time, which the relay never does.
 */
public final class EventLoopThreadExecutor extends ThreadPoolExecutor {
    /**
     * The constructor JMH calls.
     *
     * @param maxThreads benchmark threads.
     * @param prefix     their name prefix.
     */
    public EventLoopThreadExecutor(final int maxThreads, final String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
            new DefaultThreadFactory(prefix, true));
    }
}
