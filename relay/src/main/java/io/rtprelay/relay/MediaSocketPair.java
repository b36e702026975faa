package io.rtprelay.relay;

import java.util.Objects;

/**
 * The two sockets of one side of a call's media: RTP on an even port, RTCP on the port above (RFC 3550 §11). Both are
 * registered on the same event loop. Their ports return to the pool when both channels have closed, whoever closed
 * them; {@link #close()} starts that and returns at once.
 *
 * @param rtp  the RTP socket, even port.
 * @param rtcp the RTCP socket, RTP port + 1.
 */
public record MediaSocketPair(MediaSocket rtp, MediaSocket rtcp) {

    /** Checks the pair. */
    public MediaSocketPair {
        Objects.requireNonNull(rtp, "rtp");
        Objects.requireNonNull(rtcp, "rtcp");
    }

    /** Closes both sockets; idempotent, any thread, does not wait. */
    public void close() {
        rtp.channel().close();
        rtcp.channel().close();
    }
}
