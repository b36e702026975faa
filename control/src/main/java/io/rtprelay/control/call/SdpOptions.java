package io.rtprelay.control.call;

import io.rtprelay.control.ng.NgException;
import io.rtprelay.control.ng.NgRequest;
import io.rtprelay.control.sdp.MediaDescription;
import io.rtprelay.control.sdp.RewriteOptions;
import io.rtprelay.control.sdp.SessionDescription;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the ng keys and flags that change the SDP we write (rtpengine's {@code replace}, {@code ICE},
 * {@code rtcp-mux}, {@code transport-protocol}, {@code media-address}, {@code original-sendrecv}) into
 * {@link RewriteOptions}. Control thread only.
 */
final class SdpOptions {
    private SdpOptions() {
    }

    static RewriteOptions from(final NgRequest request) throws NgException {
        final List<String> replace = normalised(request.strings("replace"));
        final List<String> mux = rtcpMuxFlags(request);
        RewriteOptions options = RewriteOptions.defaults()
            .withReplaceOrigin(replace.contains("origin") || request.flag("replace-origin"))
            .withReplaceSessionConnection(replace.contains("session-connection")
                || request.flag("replace-session-connection"))
            .withOriginalSendrecv(request.flag("original-sendrecv"))
            .withTransportProtocol(request.string("transport-protocol"))
            .withMediaAddress(request.string("media-address"))
            .withSdesPad(SdesFlags.of(request).pad());
        final String ice = request.string("ICE");
        if (ice != null) {
            switch (ice.toLowerCase(Locale.ROOT)) {
                case "remove" -> options = options.withIce(RewriteOptions.Ice.REMOVE);
                case "force" -> options = options.withIce(RewriteOptions.Ice.FORCE);
                default -> {
                    // "default" and the ICE modes we do not distinguish keep rtpengine's default behaviour
                }
            }
        }
        if (mux.contains("offer")) {
            options = options.withRtcpMux(RewriteOptions.RtcpMux.OFFER);
        } else if (mux.contains("demux")) {
            options = options.withRtcpMux(RewriteOptions.RtcpMux.DEMUX);
        } else if (mux.contains("reject")) {
            options = options.withRtcpMux(RewriteOptions.RtcpMux.REJECT);
        }
        return options;
    }

    static List<String> rtcpMuxFlags(final NgRequest request) throws NgException {
        return normalised(request.strings("rtcp-mux"));
    }

    /**
     * rtpengine answers in the offerer's address family: that of the first media connection, else the origin's.
     */
    static boolean ipv6(final SessionDescription sdp) {
        for (final MediaDescription m : sdp.media()) {
            if (m.connection() != null) {
                return m.connection().ipv6();
            }
        }
        return sdp.origin() != null && "IP6".equals(sdp.origin().addrType());
    }

    private static List<String> normalised(final List<String> values) {
        if (values == null) {
            return List.of();
        }
        final List<String> out = new ArrayList<>(values.size());
        for (final String v : values) {
            out.add(v.toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-'));
        }
        return out;
    }
}
