package io.rtprelay.relay;

/**
 * No RTP/RTCP port pair could be bound in the whole configured range: every pair is in use by this relay or held
 * by another process. Control answers the offer with an error; the relay is full. Thrown on the control thread.
 */
public final class PortsExhaustedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message which range and address. */
    public PortsExhaustedException(final String message) {
        super(message);
    }
}
