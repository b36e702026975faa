package io.rtprelay.relay.forward;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The totals of one event loop's forwarder: packets and bytes received and relayed, drops by {@link DropReason}.
 * Single writer (the loop, through release writes), read from any thread with acquire reads; summed over loops by
 * the media plane for statistics.
 */
public final class ForwarderCounters {
    private static final VarHandle PACKETS_RECEIVED;
    private static final VarHandle BYTES_RECEIVED;
    private static final VarHandle PACKETS_RELAYED;
    private static final VarHandle BYTES_RELAYED;
    private static final VarHandle DROPS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            PACKETS_RECEIVED = lookup.findVarHandle(ForwarderCounters.class, "packetsReceived", long.class);
            BYTES_RECEIVED = lookup.findVarHandle(ForwarderCounters.class, "bytesReceived", long.class);
            PACKETS_RELAYED = lookup.findVarHandle(ForwarderCounters.class, "packetsRelayed", long.class);
            BYTES_RELAYED = lookup.findVarHandle(ForwarderCounters.class, "bytesRelayed", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] drops = new long[DropReason.all().length];
    private long packetsReceived;
    private long bytesReceived;
    private long packetsRelayed;
    private long bytesRelayed;

    void onReceived(final int bytes) {
        BYTES_RECEIVED.setRelease(this, bytesReceived + bytes);
        PACKETS_RECEIVED.setRelease(this, packetsReceived + 1);
    }

    void onRelayed(final int bytes) {
        BYTES_RELAYED.setRelease(this, bytesRelayed + bytes);
        PACKETS_RELAYED.setRelease(this, packetsRelayed + 1);
    }

    void onDrop(final DropReason reason) {
        final int i = reason.ordinal();
        DROPS.setRelease(drops, i, drops[i] + 1);
    }

    /** @return every packet read from a socket of this loop, including those then dropped. */
    public long packetsReceived() {
        return (long)PACKETS_RECEIVED.getAcquire(this);
    }

    /** @return bytes of {@link #packetsReceived()}. */
    public long bytesReceived() {
        return (long)BYTES_RECEIVED.getAcquire(this);
    }

    /** @return packets handed to a peer socket for sending (those later failing are also in WRITE_FAILED). */
    public long packetsRelayed() {
        return (long)PACKETS_RELAYED.getAcquire(this);
    }

    /** @return bytes of {@link #packetsRelayed()}. */
    public long bytesRelayed() {
        return (long)BYTES_RELAYED.getAcquire(this);
    }

    /**
     * @param reason a drop reason.
     * @return packets dropped for that reason.
     */
    public long drops(final DropReason reason) {
        return (long)DROPS.getAcquire(drops, reason.ordinal());
    }

    /** @return packets dropped for any reason. */
    public long drops() {
        long total = 0;
        for (final DropReason reason : DropReason.all()) {
            total += drops(reason);
        }
        return total;
    }
}
