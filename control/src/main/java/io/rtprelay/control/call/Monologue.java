package io.rtprelay.control.call;

import io.rtprelay.control.config.InterfaceSpec;
import io.rtprelay.control.sdp.CodecFlags;
import io.rtprelay.control.sdp.SessionDescription;

import java.util.ArrayList;
import java.util.List;

/**
 * One party of a call, known by its SIP tag (empty until the answer names the callee), with its media sections
 * in m= order and the party it is in dialogue with. Control thread only.
 */
final class Monologue {
    String tag;
    final long createdMs;
    Monologue partner;
    InterfaceSpec iface;
    final List<MediaSession> medias = new ArrayList<>();
    /** {@link io.rtprelay.relay.stream.MediaControl} actions for the media this party sends (block media etc.). */
    int mediaActions;
    /** The SDP this party last sent: an answer's rewrite takes mid, ptime, protocol and ICE use from the offer. */
    SessionDescription lastSdp;
    /** The {@code rtcp-mux} flags of this party's last offer. */
    List<String> rtcpMuxFlags = List.of();
    /** The codec manipulations of this party's last offer: what the answerer was offered, its ptime-reverse. */
    CodecFlags codecFlags = CodecFlags.none();
    /** The {@code a=ptime} the relay writes towards this party ({@code ptime}, {@code ptime-reverse}); 0 for none. */
    int ptime;

    Monologue(final String tag, final long createdMs) {
        this.tag = tag;
        this.createdMs = createdMs;
    }

    MediaSession media(final int index) {
        while (medias.size() <= index) {
            medias.add(new MediaSession(medias.size()));
        }
        return medias.get(index);
    }
}
