package io.rtprelay.relay.forward;

/**
 * Why a received packet was not forwarded. Every drop is counted by reason (per event loop, summed for
 * statistics) and on the receiving stream's {@code errorsIn}; {@link #WRITE_FAILED} and the egress SRTP failures
 * ({@link #SRTP_PROTECT_FAILED}) are counted on the sending stream's {@code errorsOut} instead, as the packet had
 * already been handed to that stream.
 */
public enum DropReason {
    /**
     * Not media: a DTLS record (RFC 7983 first byte 20..63) on a stream that negotiated DTLS-SRTP, handed to its
     * handshake and not forwarded.
     */
    DTLS_RECORD,
    /** The stream latched in {@code STRICT_SOURCE} mode and the packet came from another source. */
    FOREIGN_SOURCE,
    /**
     * A new source that may not take the stream over ({@code learning=ssrc}): its packet does not continue the
     * latched stream (SSRC and sequence) and did not authenticate as SRTP.
     */
    TAKEOVER_REFUSED,
    /**
     * Blocked by control: the stream is blocked, or the packet is RTP other than a telephone-event from a party
     * whose media is blocked (rtpengine's {@code block media}).
     */
    BLOCKED,
    /** An RFC 4733 telephone-event packet from a party whose DTMF is blocked (rtpengine's {@code block DTMF}). */
    DTMF_BLOCKED,
    /** The stream has no peer to forward to yet (e.g. an offer without an answer). */
    NO_PEER,
    /** The peer knows no endpoint: no packet learned one and its SDP gave none (hold, 0.0.0.0, port 0). */
    NO_DESTINATION,
    /** The peer socket's outbound buffer is above its high-water mark. */
    NOT_WRITABLE,
    /** The peer socket is closed (its call is being torn down). */
    PEER_CLOSED,
    /** The peer socket accepted the packet and then failed to send it. */
    WRITE_FAILED,
    /**
     * SRTP/SRTCP from the party failed authentication (tampered, truncated, or wrongly keyed), or carried an MKI
     * other than its key's (RFC 3711 §3.3: the MKI names the master key).
     */
    SRTP_AUTH_FAILED,
    /** SRTP/SRTCP from the party replayed an index already seen, or older than the replay window. */
    SRTP_REPLAY,
    /** On a stream that expects SRTP: not an SRTP/SRTCP packet (too short, not version 2, a broken header). */
    SRTP_INVALID,
    /** SRTP from yet another SSRC beyond the context's bound on tracked SSRCs. */
    SRTP_SSRC_LIMIT,
    /** The master key has protected or accepted its maximum of packets (RFC 3711 §9.2): re-keying is needed. */
    SRTP_KEY_EXPIRED,
    /** Protecting towards the party failed (no tailroom for the tag, or the key expired); counted on errorsOut. */
    SRTP_PROTECT_FAILED;

    private static final DropReason[] VALUES = values();

    /** @return every reason, in ordinal order; shared, do not modify. */
    static DropReason[] all() {
        return VALUES;
    }
}
