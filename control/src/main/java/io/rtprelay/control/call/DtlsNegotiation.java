package io.rtprelay.control.call;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import io.rtprelay.control.sdp.MediaDescription;
import io.rtprelay.control.sdp.MediaEndpoint;
import io.rtprelay.relay.MediaSocketPair;
import io.rtprelay.relay.stream.DtlsTransport;
import io.rtprelay.relay.stream.Stream;
import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;
import io.rtprelay.srtp.dtls.DtlsCertificate;
import io.rtprelay.srtp.dtls.DtlsFingerprint;
import io.rtprelay.srtp.dtls.DtlsHandshakeExecutor;
import io.rtprelay.srtp.dtls.DtlsSrtpConfig;
import io.rtprelay.srtp.dtls.DtlsSrtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;

/**
 * DTLS-SRTP (RFC 5763, RFC 5764) towards a party that offered it: when an offer carries {@code a=fingerprint} and the
 * answer towards it keeps a {@code UDP/TLS/...} protocol (and the ng {@code DTLS} key is not {@code off}), the relay
 * answers with its own {@code a=setup} and {@code a=fingerprint} and runs the handshake on the party's RTP socket:
 * the active (client) role by default, as rtpengine, passive with {@code DTLS=passive} or when the offer said
 * {@code a=setup:active}. Until the handshake has keyed the socket pair, its streams hold contexts under a key no one
 * knows: nothing the party sends passes unauthenticated, and nothing reaches it in the clear. The handshake's keys
 * then replace them (the same contexts for the RTP and RTCP streams of the pair, on their one event loop).
 *
 * <p>The relay also offers DTLS-SRTP ({@code a=setup:actpass}) on the {@code UDP/TLS/...} sections it offers, and a
 * party that answers with a fingerprint gets the handshake in the role its {@code a=setup} leaves the relay.
 *
 * <p>Not here yet (issue 10): ICE (so no browser reaches it yet), a party's RTCP on a separate DTLS association
 * (without rtcp-mux), and re-keying on a re-offer with another fingerprint while a handshake runs. Control thread
 * only, but for the handshake's callbacks, which only post to the pair's loop.
 */
final class DtlsNegotiation {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsNegotiation.class);

    private final DtlsCertificate certificate;
    private final DtlsHandshakeExecutor executor;
    private final String fingerprint;
    private final SecureRandom random = new SecureRandom();

    DtlsNegotiation(final DtlsCertificate certificate, final DtlsHandshakeExecutor executor) {
        this.certificate = certificate;
        this.executor = executor;
        this.fingerprint = DtlsFingerprint.SHA_256 + " " + certificate.fingerprint(DtlsFingerprint.SHA_256);
    }

    /**
     * The answer towards the offerer of a section.
     *
     * @param side      the offerer's view of the section (its socket pair).
     * @param offered   the offerer's section.
     * @param protocol  the protocol the answer writes towards the offerer.
     * @param dtlsKey   the answer's ng {@code DTLS} key, or null.
     * @param endpoint  what the relay advertises to the offerer so far.
     * @param posted    stream changes, to be awaited.
     * @return the endpoint, with the relay's DTLS attributes when it speaks DTLS here.
     */
    MediaEndpoint answer(final MediaSession side, final MediaDescription offered, final String protocol,
                         final String dtlsKey, final MediaEndpoint endpoint, final List<Future<?>> posted) {
        final String offeredFingerprint = offered.attribute("fingerprint");
        if (offeredFingerprint == null || !protocol.startsWith("UDP/TLS/") || side.sockets == null
            || isOff(dtlsKey)) {
            return endpoint;
        }
        final DtlsFingerprint remote;
        try {
            remote = DtlsFingerprint.parse(offeredFingerprint);
        } catch (final IllegalArgumentException e) {
            LOG.warn("offer's a=fingerprint refused ({}): no DTLS-SRTP for this section", e.getMessage());
            return endpoint;
        }
        final String offeredSetup = offered.attribute("setup");
        final boolean passive = "active".equals(offeredSetup)
            || !"passive".equals(offeredSetup) && "passive".equalsIgnoreCase(dtlsKey);
        final String setup = passive ? "passive" : "active";
        if (side.dtls == null || side.dtlsSockets != side.sockets || !remote.equals(side.dtls.remoteFingerprint())
            || !setup.equals(side.dtlsSetup)) {
            start(side, remote, setup, posted);
        }
        return endpoint.withDtls(setup, fingerprint);
    }

    /**
     * The offer towards a party: on a {@code UDP/TLS/...} section (and unless {@code DTLS=off}) the relay offers
     * DTLS-SRTP with {@code a=setup:actpass} and its fingerprint, next to the SDES keys, as rtpengine 10.5 does; the
     * party's answer picks the roles ({@link #answered}).
     *
     * @param side     the recipient's view of the section.
     * @param protocol the protocol the offer writes towards it.
     * @param dtlsKey  the offer's ng {@code DTLS} key, or null.
     * @param endpoint what the relay advertises to it so far.
     * @return the endpoint, with the relay's DTLS attributes when it offers DTLS here.
     */
    MediaEndpoint offer(final MediaSession side, final String protocol, final String dtlsKey,
                        final MediaEndpoint endpoint) {
        side.dtlsOffered = protocol.startsWith("UDP/TLS/") && !isOff(dtlsKey);
        return side.dtlsOffered ? endpoint.withDtls("actpass", fingerprint) : endpoint;
    }

    /**
     * The answer of a party the relay offered DTLS-SRTP to: with its {@code a=fingerprint}, the handshake starts on
     * its socket pair, the relay passive when the party said {@code a=setup:active} and active otherwise (RFC 5763
     * §5: the answerer must not say {@code actpass}; rtpengine takes that as active too).
     *
     * @param side     the answerer's view of the section.
     * @param answered the answerer's section.
     * @param posted   stream changes, to be awaited.
     */
    void answered(final MediaSession side, final MediaDescription answered, final List<Future<?>> posted) {
        final String answeredFingerprint = answered.attribute("fingerprint");
        if (!side.dtlsOffered || answeredFingerprint == null || side.sockets == null) {
            return;
        }
        final DtlsFingerprint remote;
        try {
            remote = DtlsFingerprint.parse(answeredFingerprint);
        } catch (final IllegalArgumentException e) {
            LOG.warn("answer's a=fingerprint refused ({}): no DTLS-SRTP for this section", e.getMessage());
            return;
        }
        final String setup = "active".equals(answered.attribute("setup")) ? "passive" : "active";
        if (side.dtls == null || side.dtlsSockets != side.sockets || !remote.equals(side.dtls.remoteFingerprint())
            || !setup.equals(side.dtlsSetup)) {
            start(side, remote, setup, posted);
        }
    }

    private static boolean isOff(final String dtlsKey) {
        if (dtlsKey == null) {
            return false;
        }
        return switch (dtlsKey.toLowerCase(Locale.ROOT)) {
            case "off", "no", "disable" -> true;
            default -> false;
        };
    }

    private void start(final MediaSession side, final DtlsFingerprint remote, final String setup,
                       final List<Future<?>> posted) {
        close(side);
        final MediaSocketPair sockets = side.sockets;
        final Stream rtp = sockets.rtp().stream();
        final Handshake handshake = new Handshake(sockets, side.remoteRtp);
        final DtlsSrtpSession session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
            DtlsSrtpSession.Role.ofSetup(setup), certificate, remote, handshake, handshake);
        handshake.session = session;
        side.dtls = session;
        side.dtlsSockets = sockets;
        side.dtlsSetup = setup;
        // until the handshake keys the pair: contexts under a key no one knows, both ways
        final SrtpContext refuseIn = SrtpContext.create(SrtpPolicy.random(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
            random));
        final SrtpContext refuseOut = SrtpContext.create(SrtpPolicy.random(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
            random));
        posted.add(sockets.rtp().proxy().crypto(refuseIn, refuseOut));
        posted.add(sockets.rtcp().proxy().crypto(refuseIn, refuseOut));
        posted.add(sockets.rtp().proxy().dtls(handshake));
        LOG.debug("DTLS-SRTP {} on {} towards {}", setup, rtp, side.remoteRtp);
        session.start();
    }

    /** Ends the section's handshake, if any (the call ends, or a new handshake replaces it). */
    static void close(final MediaSession side) {
        if (side.dtls != null) {
            side.dtls.close();
            side.dtls = null;
            side.dtlsSockets = null;
            side.dtlsSetup = null;
        }
    }

    /**
     * One handshake's link to its socket: records in from the stream's loop, datagrams out to the party, keys into
     * the pair's streams. The party is the SDP's endpoint, or without a usable one the source of the first record;
     * records from any other source are ignored, so a third party can neither disturb the handshake nor redirect its
     * flights (it could not key the stream anyway: the peer's certificate must match the SDP's fingerprint).
     */
    private static final class Handshake implements DtlsTransport, DtlsSrtpSession.Outbound,
        DtlsSrtpSession.Listener {
        private final MediaSocketPair sockets;
        private final Channel channel;
        private volatile InetSocketAddress peer;
        private DtlsSrtpSession session;

        Handshake(final MediaSocketPair sockets, final InetSocketAddress sdpEndpoint) {
            this.sockets = sockets;
            this.channel = sockets.rtp().stream().channel();
            this.peer = Stream.known(sdpEndpoint);
        }

        @Override
        public void onRecord(final ByteBuf record, final InetSocketAddress source) {
            final InetSocketAddress current = peer;
            if (current == null) {
                // no usable SDP endpoint (a browser's 0.0.0.0): the first record's source is the party
                peer = source;
            } else if (!current.equals(source)) {
                // someone else: neither fed to the handshake nor allowed to redirect its flights
                return;
            }
            final int length = record.readableBytes();
            final ByteBuffer nio = record.internalNioBuffer(record.readerIndex(), length);
            session.offer(nio, nio.position(), length);
        }

        @Override
        public void send(final byte[] datagram, final int offset, final int length) {
            final InetSocketAddress to = peer;
            if (to == null || !channel.isActive()) {
                return;
            }
            channel.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(datagram, offset, length), to),
                channel.voidPromise());
        }

        @Override
        public void onConnected(final SrtpProfile profile, final SrtpPolicy localEgress,
                                final SrtpPolicy remoteIngress) {
            final SrtpContext unprotect = SrtpContext.create(remoteIngress);
            final SrtpContext protect = SrtpContext.create(localEgress);
            sockets.rtp().proxy().crypto(unprotect, protect);
            sockets.rtcp().proxy().crypto(unprotect, protect);
            LOG.info("DTLS-SRTP handshake on port {} completed: {}", sockets.rtp().port(), profile);
        }

        @Override
        public void onFailed(final String reason) {
            LOG.warn("DTLS-SRTP handshake on port {} failed: {}", sockets.rtp().port(), reason);
        }
    }
}
