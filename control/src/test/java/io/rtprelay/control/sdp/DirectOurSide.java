package io.rtprelay.control.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Our side as {@link SdpParser} plus {@link SdpRewriter}, with just enough call state to answer: the offer and its
 * request per call-id. Stands in for the ng offer/answer handlers; it allocates ports from a counter (the test
 * normalises ports) and advertises 127.0.0.1 or ::1, the family of the offerer's SDP, as rtpengine does.
 */
final class DirectOurSide implements OurSide {
    private final Map<String, Offered> calls = new HashMap<>();
    private int nextPort = 40_000;

    /** What the answer needs from the offer. */
    private record Offered(SessionDescription sdp, Map<String, Object> request, boolean ipv6) {
    }

    @Override
    public String offer(final Map<String, Object> ngRequest) {
        final SessionDescription sdp = parse(ngRequest);
        final boolean ipv6 = family(sdp);
        calls.put((String) ngRequest.get("call-id"), new Offered(sdp, ngRequest, ipv6));
        final List<MediaEndpoint> local = new ArrayList<>();
        for (final MediaDescription m : sdp.media()) {
            local.add(endpoint(ipv6, m.port() == 0, false));
        }
        return SdpRewriter.rewrite(sdp, local, options(ngRequest));
    }

    @Override
    public String answer(final Map<String, Object> ngRequest) {
        final Offered offered = calls.get((String) ngRequest.get("call-id"));
        if (offered == null) {
            throw new IllegalStateException("answer without offer: " + ngRequest.get("call-id"));
        }
        final SessionDescription sdp = parse(ngRequest);
        final List<String> offerMux = strings(offered.request().get("rtcp-mux"));
        final List<MediaEndpoint> local = new ArrayList<>();
        for (int i = 0; i < sdp.media().size(); i++) {
            final MediaDescription m = sdp.media().get(i);
            final MediaDescription o = i < offered.sdp().media().size() ? offered.sdp().media().get(i) : null;
            // the relay multiplexes towards the offerer when it offered and either the answerer accepted or the
            // relay took it upon itself (demux/accept at offer time)
            final boolean mux = o != null && o.rtcpMux()
                && (m.rtcpMux() || offerMux.contains("demux") || offerMux.contains("accept"));
            local.add(endpoint(offered.ipv6(), m.port() == 0, mux));
        }
        return SdpRewriter.rewrite(sdp, local, options(ngRequest).withAnswered(offered.sdp()));
    }

    private MediaEndpoint endpoint(final boolean ipv6, final boolean rejected, final boolean mux) {
        final String address = ipv6 ? "::1" : "127.0.0.1";
        if (rejected) {
            return new MediaEndpoint(address, ipv6, 0, 0);
        }
        final int rtp = nextPort;
        nextPort += 2;
        return new MediaEndpoint(address, ipv6, rtp, mux ? rtp : rtp + 1);
    }

    private static boolean family(final SessionDescription sdp) {
        for (final MediaDescription m : sdp.media()) {
            if (m.connection() != null) {
                return m.connection().ipv6();
            }
        }
        return "IP6".equals(sdp.origin().addrType());
    }

    private static SessionDescription parse(final Map<String, Object> ngRequest) {
        try {
            return SdpParser.parse((String) ngRequest.get("sdp"));
        } catch (final SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Reads the ng keys that change the SDP, as the offer/answer handlers will. */
    static RewriteOptions options(final Map<String, Object> ngRequest) {
        final List<String> replace = strings(ngRequest.get("replace"));
        final List<String> flags = strings(ngRequest.get("flags"));
        final List<String> mux = strings(ngRequest.get("rtcp-mux"));
        RewriteOptions options = RewriteOptions.defaults()
            .withReplaceOrigin(replace.contains("origin"))
            .withReplaceSessionConnection(replace.contains("session-connection"))
            .withOriginalSendrecv(flags.contains("original-sendrecv"))
            .withTransportProtocol((String) ngRequest.get("transport-protocol"))
            .withMediaAddress((String) ngRequest.get("media-address"));
        final Object ice = ngRequest.get("ICE");
        if ("remove".equals(ice)) {
            options = options.withIce(RewriteOptions.Ice.REMOVE);
        } else if ("force".equals(ice)) {
            options = options.withIce(RewriteOptions.Ice.FORCE);
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

    @SuppressWarnings("unchecked")
    private static List<String> strings(final Object value) {
        return value == null ? List.of() : (List<String>) value;
    }
}
