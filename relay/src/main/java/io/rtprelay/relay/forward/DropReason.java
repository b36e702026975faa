package io.rtprelay.relay.forward;

/**
 * Why a received packet was not forwarded. Every drop is counted by reason (per event loop, summed for
 * statistics) and on the receiving stream's {@code errorsIn}; {@link #WRITE_FAILED} is counted on the sending
 * stream's {@code errorsOut} instead, as the packet had already been handed to that socket.
 */
public enum DropReason {
    /** The stream latched in {@code STRICT_SOURCE} mode and the packet came from another source. */
    FOREIGN_SOURCE,
    /** The stream is blocked by control (rtpengine's block media). */
    BLOCKED,
    /** The stream has no peer to forward to yet (e.g. an offer without an answer). */
    NO_PEER,
    /** The peer knows no endpoint: no packet learned one and its SDP gave none (hold, 0.0.0.0, port 0). */
    NO_DESTINATION,
    /** The peer socket's outbound buffer is above its high-water mark. */
    NOT_WRITABLE,
    /** The peer socket is closed (its call is being torn down). */
    PEER_CLOSED,
    /** The peer socket accepted the packet and then failed to send it. */
    WRITE_FAILED;

    private static final DropReason[] VALUES = values();

    /** @return every reason, in ordinal order; shared, do not modify. */
    static DropReason[] all() {
        return VALUES;
    }
}
