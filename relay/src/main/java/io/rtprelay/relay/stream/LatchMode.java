package io.rtprelay.relay.stream;

/**
 * How a {@link Stream} learns its remote endpoint from the packets it receives (rtpengine calls this endpoint
 * learning or latching; symmetric RTP is RFC 4961). The endpoint a stream learns is where the packets that leave
 * through that stream's socket are sent, so latching is what carries media through NATs whose SDP address is
 * private.
 */
public enum LatchMode {
    /**
     * The default: latch to the source of the first packet, and re-latch (counted) when packets start coming from
     * another source, as after a NAT rebinding or a handover. Until the first packet, send to the SDP endpoint.
     */
    LATCH,
    /**
     * Latch to the source of the first packet and then accept only that source: packets from any other source are
     * dropped and counted ({@code DropReason.FOREIGN_SOURCE}). rtpengine's {@code strict-source} flag.
     */
    STRICT_SOURCE,
    /**
     * Never learn: accept packets from any source and always send to the SDP endpoint. rtpengine's
     * {@code asymmetric} flag, for endpoints that do not send from the port they receive on.
     */
    ASYMMETRIC
}
