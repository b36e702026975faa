package io.rtprelay.relay;

import io.netty.util.concurrent.Future;

import java.util.Objects;

/**
 * The two sockets of one side of a call's media: RTP on an even port, RTCP on the port above (RFC 3550 §11). Both are
 * registered on the same event loop. Their ports return to the pool when both channels have closed, whoever closed
 * them; {@link #close()} starts that and returns at once.
 *
 * @param rtp      the RTP socket, even port.
 * @param rtcp     the RTCP socket, RTP port + 1.
 * @param released completes once both sockets are closed and their ports are back in the pool.
 */
public record MediaSocketPair(MediaSocket rtp, MediaSocket rtcp, Future<Void> released) {

    /** Checks the pair. */
    public MediaSocketPair {
        Objects.requireNonNull(rtp, "rtp");
        Objects.requireNonNull(rtcp, "rtcp");
        Objects.requireNonNull(released, "released");
    }

    /** Closes both sockets; idempotent, any thread, does not wait. */
    public void close() {
        rtp.channel().close();
        rtcp.channel().close();
    }
}
