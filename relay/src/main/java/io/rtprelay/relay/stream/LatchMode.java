package io.rtprelay.relay.stream;

/**
 * What a {@link Stream} does, once committed to its learned endpoint (see {@link EndpointLearning}), with a packet
 * from another source (rtpengine's per-call flags; symmetric RTP is RFC 4961). The learned endpoint is where the
 * packets that leave through the stream's socket are sent, so it is what a third party must move to take a call's
 * audio (RTP Bleed): only {@link #HANDOVER} lets any source move it, and only because the operator asked.
 *
 * <p>Observed on rtpengine 10.5 under each flag (foreign packet after the window): no flag: forwarded, endpoint
 * kept; {@code strict-source}: dropped; {@code media-handover}: forwarded and the endpoint moves to it;
 * {@code asymmetric}: forwarded, nothing is ever learned.
 */
public enum LatchMode {
    /** The default ({@code symmetric}): forward the packet, keep the endpoint; the refused takeover is counted. */
    LATCH,
    /** rtpengine's {@code strict-source}: drop the packet ({@code DropReason.FOREIGN_SOURCE}). */
    STRICT_SOURCE,
    /** rtpengine's {@code asymmetric}: never learn, accept every source, always send to the SDP endpoint. */
    ASYMMETRIC,
    /**
     * rtpengine's {@code media-handover}: move the endpoint to the new source (counted as a re-latch). On an SRTP
     * stream only packets that authenticated get this far, so only a holder of the key can move it.
     */
    HANDOVER,
    /**
     * Ours ({@code learning=ssrc}), NAT rebinding without RTP Bleed: a new source takes over only with a packet that
     * continues the latched stream, i.e. has its SSRC and a sequence number at most {@link Stream#SEQ_WINDOW} ahead
     * of the last one (RTCP: its SSRC), or on an SRTP stream a packet that authenticated. Anything else from a new
     * source is dropped ({@code DropReason.TAKEOVER_REFUSED}).
     */
    SSRC_HANDOVER
}
