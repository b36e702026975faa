package io.rtprelay.control.sdp;

/**
 * How an ng request's keys and flags change the SDP the relay hands on, as rtpengine reads them. Immutable; build it
 * from {@link #defaults()} with the {@code with...} methods.
 *
 * @param replaceOrigin            {@code replace: [origin]}: the {@code o=} address becomes the relay's.
 * @param replaceSessionConnection {@code replace: [session-connection]}: the session-level {@code c=} is rewritten
 *                                 even when every media section has its own (rtpengine rewrites it anyway when a
 *                                 section inherits it).
 * @param ice                      the {@code ICE} key.
 * @param transportProtocol        {@code transport-protocol}, e.g. {@code RTP/AVP}; null keeps the one given (in an
 *                                 answer: the one the offer used).
 * @param mediaAddress             {@code media-address}: the address written into {@code c=}; null for the relay's.
 * @param originalSendrecv         flag {@code original-sendrecv}: direction attributes pass through as they are.
 * @param rtcpMux                  what to say about {@code a=rtcp-mux}.
 * @param answered                 when rewriting an answer, the offer it answers (as the offerer sent it): the answer
 *                                 to the offerer repeats its mid, ptime, protocol and ICE use; null for an offer.
 * @param iceUfrag                 the relay's ICE username fragment; null for a fresh random one per section.
 * @param icePwd                   the relay's ICE password; null for a fresh random one per section.
 * @param sdesPad                  flag {@code SDES-pad}: the {@code inline:} keys keep base64's trailing {@code =}.
 * @param recipientLast            on a re-offer, the SDP the recipient last sent: where the offer says nothing else,
 *                                 rtpengine keeps speaking the recipient's own protocol and repeats its ptime;
 *                                 null on a first offer and in answers (see {@code answered}).
 * @param codecs                   the request's codec manipulations ({@link CodecSelection}).
 * @param answeredCodecs           when rewriting an answer, the codec manipulations of the offer it answers: which
 *                                 formats the answerer was offered, and the offer's {@code ptime-reverse}.
 */
public record RewriteOptions(boolean replaceOrigin, boolean replaceSessionConnection, Ice ice,
                             String transportProtocol, String mediaAddress, boolean originalSendrecv,
                             RtcpMux rtcpMux, SessionDescription answered, String iceUfrag, String icePwd,
                             boolean sdesPad, SessionDescription recipientLast, CodecFlags codecs,
                             CodecFlags answeredCodecs) {

    /** The ng {@code ICE} key. */
    public enum Ice {
        /** The relay speaks ICE towards a side when that side's SDP does (for the answerer: when the offerer did). */
        DEFAULT,
        /** {@code ICE=remove}: no ICE attributes towards the recipient. */
        REMOVE,
        /** {@code ICE=force}: the relay's own ICE attributes, whatever the SDP had. */
        FORCE
    }

    /** The ng {@code rtcp-mux} list, reduced to what the written SDP says about {@code a=rtcp-mux} (RFC 5761). */
    public enum RtcpMux {
        /**
         * In an offer: {@code a=rtcp-mux} when the offerer offered it. In an answer: when the relay multiplexes
         * towards the offerer, which the caller says by giving the same RTP and RTCP port.
         */
        DEFAULT,
        /** {@code rtcp-mux: [offer]}: offer multiplexing to the recipient. */
        OFFER,
        /** {@code rtcp-mux: [demux]}: do not offer it to the recipient although the offerer did. */
        DEMUX,
        /** {@code rtcp-mux: [reject]}: never. */
        REJECT
    }

    private static final RewriteOptions DEFAULTS =
        new RewriteOptions(false, false, Ice.DEFAULT, null, null, false, RtcpMux.DEFAULT, null, null, null, false,
            null, CodecFlags.none(), CodecFlags.none());

    /** @return rtpengine's behaviour without any flag. */
    public static RewriteOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param replace the {@code replace: [origin]} flag.
     * @return a copy with it.
     */
    public RewriteOptions withReplaceOrigin(final boolean replace) {
        return new RewriteOptions(replace, replaceSessionConnection, ice, transportProtocol, mediaAddress,
            originalSendrecv, rtcpMux, answered, iceUfrag, icePwd, sdesPad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param replace the {@code replace: [session-connection]} flag.
     * @return a copy with it.
     */
    public RewriteOptions withReplaceSessionConnection(final boolean replace) {
        return new RewriteOptions(replaceOrigin, replace, ice, transportProtocol, mediaAddress, originalSendrecv,
            rtcpMux, answered, iceUfrag, icePwd, sdesPad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param value the {@code ICE} key.
     * @return a copy with it.
     */
    public RewriteOptions withIce(final Ice value) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, value, transportProtocol, mediaAddress,
            originalSendrecv, rtcpMux, answered, iceUfrag, icePwd, sdesPad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param protocol the {@code transport-protocol} key, null for none.
     * @return a copy with it.
     */
    public RewriteOptions withTransportProtocol(final String protocol) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, protocol, mediaAddress,
            originalSendrecv, rtcpMux, answered, iceUfrag, icePwd, sdesPad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param address the {@code media-address} key, null for none.
     * @return a copy with it.
     */
    public RewriteOptions withMediaAddress(final String address) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, transportProtocol, address,
            originalSendrecv, rtcpMux, answered, iceUfrag, icePwd, sdesPad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param original the {@code original-sendrecv} flag.
     * @return a copy with it.
     */
    public RewriteOptions withOriginalSendrecv(final boolean original) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, transportProtocol, mediaAddress,
            original, rtcpMux, answered, iceUfrag, icePwd, sdesPad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param mux what to say about {@code a=rtcp-mux}.
     * @return a copy with it.
     */
    public RewriteOptions withRtcpMux(final RtcpMux mux) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, transportProtocol, mediaAddress,
            originalSendrecv, mux, answered, iceUfrag, icePwd, sdesPad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param offer the offer the SDP being rewritten answers.
     * @return a copy for rewriting that answer.
     */
    public RewriteOptions withAnswered(final SessionDescription offer) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, transportProtocol, mediaAddress,
            originalSendrecv, rtcpMux, offer, iceUfrag, icePwd, sdesPad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param ufrag the relay's ICE username fragment for this side of the call.
     * @param pwd   the relay's ICE password for this side of the call.
     * @return a copy with them.
     */
    public RewriteOptions withIceCredentials(final String ufrag, final String pwd) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, transportProtocol, mediaAddress,
            originalSendrecv, rtcpMux, answered, ufrag, pwd, sdesPad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param sdp the SDP the recipient of this re-offer last sent, or null.
     * @return a copy with it.
     */
    public RewriteOptions withRecipientLast(final SessionDescription sdp) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, transportProtocol, mediaAddress,
            originalSendrecv, rtcpMux, answered, iceUfrag, icePwd, sdesPad, sdp, codecs,
            answeredCodecs);
    }

    /**
     * @param pad the {@code SDES-pad} flag.
     * @return a copy with it.
     */
    public RewriteOptions withSdesPad(final boolean pad) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, transportProtocol, mediaAddress,
            originalSendrecv, rtcpMux, answered, iceUfrag, icePwd, pad, recipientLast, codecs,
            answeredCodecs);
    }

    /**
     * @param flags the request's codec manipulations.
     * @return a copy with them.
     */
    public RewriteOptions withCodecs(final CodecFlags flags) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, transportProtocol, mediaAddress,
            originalSendrecv, rtcpMux, answered, iceUfrag, icePwd, sdesPad, recipientLast, flags, answeredCodecs);
    }

    /**
     * @param offer the offer the SDP being rewritten answers.
     * @param flags that offer's codec manipulations.
     * @return a copy for rewriting that answer.
     */
    public RewriteOptions withAnswered(final SessionDescription offer, final CodecFlags flags) {
        return new RewriteOptions(replaceOrigin, replaceSessionConnection, ice, transportProtocol, mediaAddress,
            originalSendrecv, rtcpMux, offer, iceUfrag, icePwd, sdesPad, recipientLast, codecs, flags);
    }
}
