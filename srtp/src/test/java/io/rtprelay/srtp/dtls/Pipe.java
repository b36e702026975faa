package io.rtprelay.srtp.dtls;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One direction between two sessions in memory: the sender's {@link DtlsSrtpSession.Outbound} queues a copy, and a
 * pump thread (standing for the receiver's event loop, the one thread that calls its offer) delivers it. It can
 * duplicate every datagram, swap each pair (reorder), and put garbage before each, to show the session survives.
 */
final class Pipe implements DtlsSrtpSession.Outbound, AutoCloseable {
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final Thread pump;
    private final boolean duplicate;
    private final boolean reorder;
    private final boolean garbage;
    private volatile DtlsSrtpSession target;
    private volatile boolean closed;
    private volatile java.util.function.Predicate<byte[]> drop = d -> false;
    final AtomicInteger sent = new AtomicInteger();
    final List<byte[]> log = java.util.Collections.synchronizedList(new ArrayList<>());

    Pipe(final String name, final boolean duplicate, final boolean reorder, final boolean garbage) {
        this.duplicate = duplicate;
        this.reorder = reorder;
        this.garbage = garbage;
        pump = new Thread(this::run, "pipe-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    Pipe(final String name) {
        this(name, false, false, false);
    }

    void dropWhen(final java.util.function.Predicate<byte[]> predicate) {
        drop = predicate;
    }

    void to(final DtlsSrtpSession session) {
        target = session;
    }

    @Override
    public void send(final byte[] datagram, final int offset, final int length) {
        final byte[] copy = java.util.Arrays.copyOfRange(datagram, offset, offset + length);
        sent.incrementAndGet();
        log.add(copy);
        if (!drop.test(copy)) {
            queue.add(copy);
        }
    }

    private void run() {
        final ByteBuffer buf = ByteBuffer.allocateDirect(4096);
        byte[] held = null;
        int n = 0;
        while (!closed) {
            final byte[] next;
            try {
                next = queue.poll(20, TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                return;
            }
            final DtlsSrtpSession t = target;
            if (t == null) {
                if (next != null) {
                    queue.add(next);
                }
                continue;
            }
            if (next == null) {
                if (held != null) {
                    deliver(t, buf, held);
                    held = null;
                }
                continue;
            }
            if (reorder && held == null && (n++ & 1) == 0) {
                held = next;
                continue;
            }
            deliver(t, buf, next);
            if (held != null) {
                deliver(t, buf, held);
                held = null;
            }
        }
    }

    private void deliver(final DtlsSrtpSession t, final ByteBuffer buf, final byte[] datagram) {
        if (garbage) {
            offer(t, buf, new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 40, 1, 2, 3});
            offer(t, buf, new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
        }
        offer(t, buf, datagram);
        if (duplicate) {
            offer(t, buf, datagram);
        }
    }

    private static void offer(final DtlsSrtpSession t, final ByteBuffer buf, final byte[] datagram) {
        buf.clear();
        buf.position(7);
        buf.put(datagram);
        t.offer(buf, 7, datagram.length);
    }

    @Override
    public void close() {
        closed = true;
        pump.interrupt();
    }
}
