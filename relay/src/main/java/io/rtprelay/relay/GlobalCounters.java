package io.rtprelay.relay;

import io.rtprelay.relay.forward.DropReason;
import io.rtprelay.relay.forward.ForwarderCounters;

import java.util.List;

/**
 * The data plane's totals for statistics and metrics: the sum over every event loop's {@link ForwarderCounters}.
 * Read from any thread without locks; each read sums the loops' single-writer counters, so two values read one
 * after the other may be from slightly different instants.
 */
public final class GlobalCounters {
    private final ForwarderCounters[] loops;

    GlobalCounters(final List<ForwarderCounters> loops) {
        this.loops = loops.toArray(new ForwarderCounters[0]);
    }

    /** @return every packet read from a media socket, including those then dropped. */
    public long packetsReceived() {
        long total = 0;
        for (final ForwarderCounters c : loops) {
            total += c.packetsReceived();
        }
        return total;
    }

    /** @return bytes of {@link #packetsReceived()}. */
    public long bytesReceived() {
        long total = 0;
        for (final ForwarderCounters c : loops) {
            total += c.bytesReceived();
        }
        return total;
    }

    /** @return packets relayed: handed to the peer socket for sending. */
    public long packetsRelayed() {
        long total = 0;
        for (final ForwarderCounters c : loops) {
            total += c.packetsRelayed();
        }
        return total;
    }

    /** @return bytes of {@link #packetsRelayed()}. */
    public long bytesRelayed() {
        long total = 0;
        for (final ForwarderCounters c : loops) {
            total += c.bytesRelayed();
        }
        return total;
    }

    /** @return packets dropped for any reason (rtpengine's "errors"). */
    public long errors() {
        long total = 0;
        for (final ForwarderCounters c : loops) {
            total += c.drops();
        }
        return total;
    }

    /**
     * @param reason a drop reason.
     * @return packets dropped for that reason.
     */
    public long drops(final DropReason reason) {
        long total = 0;
        for (final ForwarderCounters c : loops) {
            total += c.drops(reason);
        }
        return total;
    }

    @Override
    public String toString() {
        return "GlobalCounters[received " + packetsReceived() + ", relayed " + packetsRelayed() + ", errors "
            + errors() + "]";
    }
}
