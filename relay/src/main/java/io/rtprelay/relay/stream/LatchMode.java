package io.rtprelay.relay.stream;

/**
 * How a {@link Stream} learns its remote endpoint from the packets it receives (rtpengine calls this endpoint
 * learning or latching; symmetric RTP is RFC 4961). The endpoint a stream learns is where the packets that leave
 * through that stream's socket are sent, so latching is what carries media through NATs whose SDP address is
 * private.
 *
 * <p>Observed on rtpengine (no flags, then {@code strict-source}), for whoever maps its flags onto these modes: in a
 * learning window after the first packet (about 3 s, rtpengine's {@code endpoint-learning=delayed}) a new source
 * moves the endpoint in both cases; after it, with no flag packets from a new source are still forwarded but the
 * endpoint stays, and with {@code strict-source} they are dropped. {@link #LATCH} (re-latch at any time, rtpengine's
 * {@code media-handover}) and {@link #STRICT_SOURCE} (drop from the first latch on) have no learning window.
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
