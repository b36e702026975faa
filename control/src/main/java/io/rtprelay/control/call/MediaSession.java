package io.rtprelay.control.call;

import io.rtprelay.relay.MediaSocketPair;

import java.net.InetSocketAddress;

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

    MediaSession(final int index) {
        this.index = index;
    }

    boolean silent() {
        return !"sendrecv".equals(direction)
            || remoteRtp == null
            || remoteRtp.getPort() == 0
            || remoteRtp.getAddress() == null
            || remoteRtp.getAddress().isAnyLocalAddress();
    }
}
