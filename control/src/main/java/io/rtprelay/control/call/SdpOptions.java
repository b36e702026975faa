package io.rtprelay.control.call;

import io.rtprelay.control.ng.NgException;
import io.rtprelay.control.ng.NgRequest;
import io.rtprelay.control.sdp.CodecFlags;
import io.rtprelay.control.sdp.MediaDescription;
import io.rtprelay.control.sdp.RewriteOptions;
import io.rtprelay.control.sdp.SessionDescription;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the ng keys and flags that change the SDP we write (rtpengine's {@code replace}, {@code ICE},
 * {@code rtcp-mux}, {@code transport-protocol}, {@code media-address}, {@code original-sendrecv}, the codec
 * manipulations) into
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
            .withSdesPad(SdesFlags.of(request).pad())
            .withCodecs(codecs(request));
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

    /**
     * The {@code codec} dictionary's lists (a value that is not a list is ignored, as rtpengine ignores it), then
     * their flat forms in {@code flags} ({@code codec-strip-PCMA}, as Kamailio sends them). {@code consume} counts
     * as {@code mask} and {@code transcode} as {@code offer}: without transcoding they write the same SDP.
     * {@code accept} and {@code set} change nothing a relay without transcoding writes.
     */
    static CodecFlags codecs(final NgRequest request) {
        final Map<String, Object> codec = lenientDictionary(request, "codec");
        final List<String> strip = codecList(codec, request, "strip");
        final List<String> mask = codecList(codec, request, "mask");
        mask.addAll(codecList(codec, request, "consume"));
        final List<String> offer = codecList(codec, request, "offer");
        offer.addAll(codecList(codec, request, "transcode"));
        return new CodecFlags(strip, mask, codecList(codec, request, "except"), offer, request.flag("single-codec"),
            lenientPositive(request, "ptime"), lenientPositive(request, "ptime-reverse"));
    }

    /** rtpengine ignores a {@code codec} key that is not a dictionary. */
    private static Map<String, Object> lenientDictionary(final NgRequest request, final String key) {
        try {
            return request.dictionary(key);
        } catch (final NgException ignored) {
            return null;
        }
    }

    /** rtpengine ignores a {@code ptime} that is not a positive integer (or a string of one). */
    private static int lenientPositive(final NgRequest request, final String key) {
        try {
            final Long value = request.integer(key);
            return value == null || value <= 0 || value > Integer.MAX_VALUE ? 0 : value.intValue();
        } catch (final NgException ignored) {
            return 0;
        }
    }

    private static List<String> codecList(final Map<String, Object> codec, final NgRequest request,
                                          final String key) {
        final List<String> out = new ArrayList<>();
        if (codec != null && codec.get(key) instanceof List<?> list) {
            for (final Object item : list) {
                if (item instanceof String s) {
                    out.add(s);
                }
            }
        }
        final String prefix = "codec-" + key + "-";
        for (final String flag : request.flags()) {
            if (flag.length() > prefix.length() && flag.startsWith(prefix)) {
                out.add(flag.substring(prefix.length()));
            }
        }
        return out;
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
