package io.rtprelay.relay.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortPoolTest {

    @Test
    void handsOutEvenRtpPortsWhoseRtcpPortIsInRange() {
        final PortPool pool = new PortPool(30_001, 30_010);
        assertEquals(30_002, pool.firstPort());
        assertEquals(30_009, pool.lastPort());
        assertEquals(8, pool.totalPorts());
        final List<Integer> got = new ArrayList<>();
        for (int port = pool.acquirePair(); port >= 0; port = pool.acquirePair()) {
            got.add(port);
        }
        assertEquals(List.of(30_002, 30_004, 30_006, 30_008), got);
        assertEquals(0, pool.freePorts());
    }

    @Test
    void rejectsARangeWithoutAPair() {
        assertThrows(IllegalArgumentException.class, () -> new PortPool(30_001, 30_002));
        assertThrows(IllegalArgumentException.class, () -> new PortPool(30_010, 30_000));
        assertThrows(IllegalArgumentException.class, () -> new PortPool(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new PortPool(65_534, 65_536));
        assertEquals(2, new PortPool(65_534, 65_535).totalPorts());
    }

    @Test
    void reusesAReleasedPairOnlyAfterTheOthers() {
        final PortPool pool = new PortPool(40_000, 40_007);
        final int first = pool.acquirePair();
        pool.releasePair(first);
        assertEquals(40_002, pool.acquirePair());
        assertEquals(40_004, pool.acquirePair());
        assertEquals(40_006, pool.acquirePair());
        assertEquals(40_000, pool.acquirePair());
        assertEquals(-1, pool.acquirePair());
    }

    @Test
    void refusesADoubleReleaseAndAForeignPort() {
        final PortPool pool = new PortPool(40_000, 40_007);
        final int port = pool.acquirePair();
        pool.releasePair(port);
        assertThrows(IllegalStateException.class, () -> pool.releasePair(port));
        assertThrows(IllegalArgumentException.class, () -> pool.releasePair(40_001));
        assertThrows(IllegalArgumentException.class, () -> pool.releasePair(40_008));
        assertThrows(IllegalArgumentException.class, () -> pool.releasePair(39_998));
        assertEquals(8, pool.freePorts());
    }

    @Test
    void findsTheLastFreePairAcrossWords() {
        final PortPool pool = new PortPool(10_000, 10_000 + 2 * 200 - 1);
        final Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertTrue(taken.add(pool.acquirePair()));
        }
        assertEquals(-1, pool.acquirePair());
        pool.releasePair(10_000 + 2 * 70);
        assertEquals(10_000 + 2 * 70, pool.acquirePair());
        pool.releasePair(10_000 + 2 * 199);
        assertEquals(10_000 + 2 * 199, pool.acquirePair());
        assertEquals(0, pool.freePorts());
    }

    @Test
    @Timeout(30)
    void concurrentAcquireAndReleaseLeaveThePoolAsItStarted() throws Exception {
        final PortPool pool = new PortPool(20_000, 20_000 + 2 * 100 - 1);
        final int threads = 4;
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final Thread worker = new Thread(() -> {
                try {
                    start.await();
                    final int[] held = new int[10];
                    for (int round = 0; round < 5_000; round++) {
                        for (int i = 0; i < held.length; i++) {
                            held[i] = pool.acquirePair();
                            if (held[i] < 0) {
                                throw new AssertionError("pool exhausted with 40 of 100 pairs held");
                            }
                        }
                        for (final int port : held) {
                            pool.releasePair(port);
                        }
                    }
                } catch (final Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (final Thread worker : workers) {
            worker.join();
        }
        assertNull(failure.get());
        assertEquals(200, pool.freePorts());
        final Set<Integer> all = new HashSet<>();
        for (int port = pool.acquirePair(); port >= 0; port = pool.acquirePair()) {
            all.add(port);
        }
        assertEquals(100, all.size());
    }
}
