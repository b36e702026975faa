package io.rtprelay.control.call;

import io.rtprelay.control.sdp.CryptoAttribute;
import io.rtprelay.relay.MediaSocketPair;
import io.rtprelay.relay.stream.LatchMode;
import io.rtprelay.relay.stream.Stream;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One m= section as one party sees it: the socket pair advertised to that party (it sends to these ports, so
 * packets arriving on them come from that party) and where that party said it receives. Control thread only.
 */
final class MediaSession {
    final int index;
    String type = "audio";
    String protocol = "RTP/AVP";
    String direction = "sendrecv";
    MediaSocketPair sockets;
    InetSocketAddress remoteRtp;
    InetSocketAddress remoteRtcp;
    /**
     * The last RTP endpoint the party's SDP named with a usable address and port (hold's 0.0.0.0 and port 0 leave
     * it): a later SDP naming another one moved the party, and without {@code port-latching} the relay then gives
     * the other party new ports, as rtpengine does.
     */
    InetSocketAddress lastKnownRtp;
    /** What the RTCP stream of {@link #sockets} was bound to expect, for a pair that replaces it. */
    InetSocketAddress boundRtcp;
    /** The latch mode {@link #sockets} was bound with, for a pair that replaces it. */
    LatchMode mode = LatchMode.LATCH;
    /**
     * The pair that {@link #sockets} replaced (see {@link #lastKnownRtp}): still open and forwarding, so packets
     * the party sends to its old ports before it reads the new SDP still arrive; closed with the call, or when a
     * newer replacement retires {@link #sockets} in turn (one retired pair at most, so re-offers cannot pile up
     * ports).
     */
    MediaSocketPair retired;
    /** The party's usable {@code a=crypto} lines as it last sent them (RFC 4568). */
    List<CryptoAttribute> cryptoOffered = List.of();
    /** The {@code a=crypto} lines the relay last wrote to the party. */
    List<CryptoAttribute> relayCrypto = List.of();
    /** The relay's own keys among {@link #relayCrypto}, which a re-offer keeps. */
    List<CryptoAttribute> relayOwnCrypto = List.of();
    /** Negotiated: the key the party sends with, so the relay unprotects with; null for plain RTP. */
    CryptoAttribute partyKey;
    /** Negotiated: the key the relay sends to the party with; null for plain RTP. */
    CryptoAttribute relayKey;
    /**
     * The party speaks SRTP (its SDP said SAVP) but has no key of its own: what it sends cannot be authenticated,
     * so it is dropped, and it must not be sent plain RTP.
     */
    boolean srtpWithoutKey;
    /** The socket pair whose streams hold the contexts of {@link #installedIngress} and {@link #installedEgress}. */
    MediaSocketPair cryptoSockets;
    /** The key the streams of {@link #cryptoSockets} unprotect with; null for none. */
    CryptoAttribute installedIngress;
    /** The key the streams of {@link #cryptoSockets} protect with; null for none. */
    CryptoAttribute installedEgress;

    /** The DTLS-SRTP handshake that keys {@link #dtlsSockets} (see {@link DtlsNegotiation}); null for none. */
    io.rtprelay.srtp.dtls.DtlsSrtpSession dtls;
    /** The socket pair {@link #dtls} runs on and keys. */
    MediaSocketPair dtlsSockets;
    /** The relay's {@code a=setup} role of {@link #dtls}. */
    String dtlsSetup;
    /** The relay's last offer to this party offered DTLS-SRTP ({@code a=setup:actpass}). */
    boolean dtlsOffered;

    MediaSession(final int index) {
        this.index = index;
    }

    boolean silent() {
        return !"sendrecv".equals(direction) || Stream.known(remoteRtp) == null;
    }
}
