package io.rtprelay.control.call;

import io.netty.util.concurrent.Future;
import io.rtprelay.control.sdp.CryptoAttribute;
import io.rtprelay.control.sdp.SdesSuite;
import io.rtprelay.relay.MediaSocketPair;
import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the negotiated SDES keys of one media section into its streams (RFC 3711 crypto contexts): the socket pair
 * facing a party unprotects what that party sends with the party's key and protects what it sends to the party with
 * the relay's key towards it. A direction whose two keys are the same (rtpengine hands the offerer's keys on) gets
 * no context at either end: its packets pass untouched, as rtpengine passes them through. A party that speaks SRTP
 * without a key gets contexts with a key no one knows: nothing it sends passes, nothing plain reaches it. Contexts
 * are replaced only when the keys of a socket pair change, so that a re-offer that keeps the keys keeps the rollover
 * counters and replay windows. A key with an MKI (RFC 4568 §6.1) gets a context that writes it into every packet it
 * protects and refuses packets that carry another (RFC 3711 §3.3). Control thread only; the contexts are handed to
 * the pair's event loop through {@code StreamProxy.crypto}.
 */
final class MediaCrypto {
    private static final Logger LOG = LoggerFactory.getLogger(MediaCrypto.class);
    /** A key generated at start and never written anywhere. */
    private static final CryptoAttribute REFUSAL = refusal();

    private MediaCrypto() {
    }

    /**
     * @param x one party's view of the section (after the answer settled its keys).
     * @param y the other party's view.
     * @return the posted stream changes, to be awaited.
     */
    static List<Future<?>> apply(final MediaSession x, final MediaSession y) {
        final boolean xToYPasses = x.partyKey != null && x.partyKey.sameKeying(y.relayKey);
        final boolean yToXPasses = y.partyKey != null && y.partyKey.sameKeying(x.relayKey);
        final List<Future<?>> posted = new ArrayList<>(4);
        install(x, xToYPasses ? null : orRefusal(x, x.partyKey), yToXPasses ? null : orRefusal(x, x.relayKey),
            posted);
        install(y, yToXPasses ? null : orRefusal(y, y.partyKey), xToYPasses ? null : orRefusal(y, y.relayKey),
            posted);
        return posted;
    }

    /**
     * For a party that speaks SRTP without a key: a key no one knows. Unprotecting with it refuses (and counts)
     * every packet; protecting with it sends nothing anyone can read, never plain RTP.
     */
    private static CryptoAttribute orRefusal(final MediaSession side, final CryptoAttribute key) {
        return key != null || !side.srtpWithoutKey ? key : REFUSAL;
    }

    private static CryptoAttribute refusal() {
        final byte[] unknown = new byte[SdesSuite.AES_CM_128_HMAC_SHA1_80.keySaltLength()];
        new SecureRandom().nextBytes(unknown);
        return CryptoAttribute.of(0, SdesSuite.AES_CM_128_HMAC_SHA1_80, unknown);
    }

    private static void install(final MediaSession side, final CryptoAttribute ingress, final CryptoAttribute egress,
                                final List<Future<?>> posted) {
        final MediaSocketPair sockets = side.sockets;
        if (sockets == null || side.dtls != null && side.dtlsSockets == sockets) {
            // no sockets; or a DTLS-SRTP handshake keys them (DtlsNegotiation), not SDES
            return;
        }
        if (sockets == side.cryptoSockets && sameKeying(ingress, side.installedIngress)
            && sameKeying(egress, side.installedEgress)) {
            return;
        }
        final SrtpContext unprotect = context(ingress);
        final SrtpContext protect = context(egress);
        posted.add(sockets.rtp().proxy().crypto(unprotect, protect));
        posted.add(sockets.rtcp().proxy().crypto(unprotect, protect));
        side.cryptoSockets = sockets;
        side.installedIngress = ingress;
        side.installedEgress = egress;
    }

    private static boolean sameKeying(final CryptoAttribute a, final CryptoAttribute b) {
        return a == null ? b == null : a.sameKeying(b);
    }

    private static SrtpContext context(final CryptoAttribute key) {
        if (key == null) {
            return null;
        }
        final SrtpProfile profile = SrtpSuites.profile(key.suite());
        if (profile == null) {
            LOG.warn("cannot apply {}: the crypto suite is not implemented; its packets will fail", key);
            return null;
        }
        final boolean authenticate = !key.unauthenticatedSrtp() || profile.isAead();
        return SrtpContext.create(new SrtpPolicy(profile, key.masterKey(), key.masterSalt(), !key.unencryptedSrtp(),
            !key.unencryptedSrtcp(), authenticate).withMki(key.mkiValue(), key.mkiLength()));
    }

    /**
     * @param side a party's view of a section.
     * @return the crypto suite the relay speaks towards the party, for query's {@code crypto suite}, or null.
     */
    static String suite(final MediaSession side) {
        final CryptoAttribute key = side.relayKey != null ? side.relayKey : side.partyKey;
        return key == null ? null : key.suite().sdesName();
    }
}
