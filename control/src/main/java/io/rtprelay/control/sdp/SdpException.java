package io.rtprelay.control.sdp;

import java.io.Serial;

/**
 * SDP that cannot be used: the message says which line is wrong and why. Thrown by {@link SdpParser} on the control
 * thread; the ng layer turns it into an error reply.
 */
public final class SdpException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * @param message the precise reason, naming the offending line.
     */
    public SdpException(final String message) {
        super(message);
    }
}
