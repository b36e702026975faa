package io.rtprelay.srtp.dtls;

import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our session against Debian's OpenSSL ({@code openssl s_server} / {@code s_client -dtls1_2 -use_srtp ...
 * -keymatexport EXTRACTOR-dtls_srtp}) over real UDP sockets on 127.0.0.1: the handshake completes both ways, the
 * profile OpenSSL reports is ours, the keying material it prints is what we exported (the policies we hand the
 * relay are exactly those built from OpenSSL's bytes, split per RFC 5764 §4.2), and SRTP protected with our egress
 * unprotects with OpenSSL's ingress keys and the reverse; with our RSA certificate too. A certificate that is not
 * the SDP's is refused.
 */
@Timeout(60)
class DtlsSrtpOpensslInteropTest {
    @TempDir
    static Path dir;
    static OpensslPeer.Credentials peer;
    static DtlsCertificate ours;

    private final DtlsHandshakeExecutor executor = new DtlsHandshakeExecutor(4);
    private OpensslPeer openssl;
    private UdpBridge bridge;
    private DtlsSrtpSession session;

    @BeforeAll
    static void credentials() throws Exception {
        peer = OpensslPeer.credentials(dir, "openssl-peer");
        ours = DtlsCertificate.generate();
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) {
            session.close();
        }
        if (openssl != null) {
            openssl.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        executor.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SRTP_AES128_CM_SHA1_80, 60", "SRTP_AEAD_AES_128_GCM, 56", "SRTP_AEAD_AES_256_GCM, 88",
        "SRTP_AES128_CM_SHA1_32, 60"})
    void asClientAgainstOpensslServer(final String profile, final int length) throws Exception {
        final int port = OpensslPeer.freeUdpPort();
        openssl = OpensslPeer.server(port, peer, profile, length);
        bridge = new UdpBridge(new InetSocketAddress("127.0.0.1", port));
        final Outcome outcome = new Outcome();
        session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.CLIENT, ours,
            peer.sha256(), bridge, outcome);
        bridge.attach(session);
        assertTrue(session.start());
        final Outcome.Keys keys = outcome.awaitConnected(20);
        assertEquals(profile, openssl.profile.get(10, TimeUnit.SECONDS));
        final UseSrtpProfile expected = UseSrtpProfile.ofName(profile);
        assertEquals(expected, session.profile());
        assertEquals(expected.srtpProfile(), keys.profile());
        checkKeys(keys, true, openssl.keyingMaterial.get(10, TimeUnit.SECONDS));
        assertEquals(peer.sha256(), session.peerFingerprint());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SRTP_AES128_CM_SHA1_80, 60", "SRTP_AEAD_AES_128_GCM, 56", "SRTP_AEAD_AES_256_GCM, 88"})
    void asServerAgainstOpensslClient(final String profile, final int length) throws Exception {
        bridge = new UdpBridge(null);
        final Outcome outcome = new Outcome();
        session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.SERVER, ours,
            peer.sha256(), bridge, outcome);
        bridge.attach(session);
        assertTrue(session.start());
        openssl = OpensslPeer.client(bridge.port(), peer, profile, length);
        final Outcome.Keys keys = outcome.awaitConnected(20);
        assertEquals(profile, openssl.profile.get(10, TimeUnit.SECONDS));
        assertEquals(UseSrtpProfile.ofName(profile).srtpProfile(), keys.profile());
        checkKeys(keys, false, openssl.keyingMaterial.get(10, TimeUnit.SECONDS));
    }

    @Test
    void duplicatedTruncatedAndGarbageDatagramsBothWaysDoNotStopEitherRole() throws Exception {
        final int port = OpensslPeer.freeUdpPort();
        openssl = OpensslPeer.server(port, peer, "SRTP_AES128_CM_SHA1_80", 60);
        bridge = new UdpBridge(new InetSocketAddress("127.0.0.1", port), true);
        final Outcome asClient = new Outcome();
        session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.CLIENT, ours,
            peer.sha256(), bridge, asClient);
        bridge.attach(session);
        session.start();
        checkKeys(asClient.awaitConnected(20), true, openssl.keyingMaterial.get(10, TimeUnit.SECONDS));
        session.close();
        openssl.close();
        bridge.close();

        bridge = new UdpBridge(null, true);
        final Outcome asServer = new Outcome();
        session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.SERVER, ours,
            peer.sha256(), bridge, asServer);
        bridge.attach(session);
        session.start();
        openssl = OpensslPeer.client(bridge.port(), peer, "SRTP_AES128_CM_SHA1_80", 60);
        checkKeys(asServer.awaitConnected(20), false, openssl.keyingMaterial.get(10, TimeUnit.SECONDS));
        assertEquals(0, executor.counters().handshakesFailed());
    }

    @Test
    void bothRolesWithAnRsaCertificate() throws Exception {
        final DtlsCertificate rsa = DtlsCertificate.generate(DtlsCertificate.KeyType.RSA, 2048,
            DtlsCertificate.SignatureHash.SHA_256, new java.security.SecureRandom(), java.time.Instant.now());
        bridge = new UdpBridge(null);
        final Outcome outcome = new Outcome();
        session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.SERVER, rsa,
            peer.sha256(), bridge, outcome);
        bridge.attach(session);
        session.start();
        openssl = OpensslPeer.client(bridge.port(), peer, "SRTP_AES128_CM_SHA1_80", 60);
        checkKeys(outcome.awaitConnected(20), false, openssl.keyingMaterial.get(10, TimeUnit.SECONDS));
        session.close();
        openssl.close();
        bridge.close();

        final int port = OpensslPeer.freeUdpPort();
        openssl = OpensslPeer.server(port, peer, "SRTP_AES128_CM_SHA1_80", 60);
        bridge = new UdpBridge(new InetSocketAddress("127.0.0.1", port));
        final Outcome asClient = new Outcome();
        session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.CLIENT, rsa,
            peer.sha256(), bridge, asClient);
        bridge.attach(session);
        session.start();
        checkKeys(asClient.awaitConnected(20), true, openssl.keyingMaterial.get(10, TimeUnit.SECONDS));
    }

    @Test
    void theServerPicksRtpenginesFirstChoiceAmongOpensslsOffers() throws Exception {
        bridge = new UdpBridge(null);
        final Outcome outcome = new Outcome();
        session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.SERVER, ours,
            peer.sha256(), bridge, outcome);
        bridge.attach(session);
        session.start();
        openssl = OpensslPeer.client(bridge.port(), peer,
            "SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_32", 88);
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_32, outcome.awaitConnected(20).profile());
        assertEquals("SRTP_AES128_CM_SHA1_32", openssl.profile.get(10, TimeUnit.SECONDS));
    }

    @Test
    void asClientAWrongFingerprintIsRefused() throws Exception {
        final int port = OpensslPeer.freeUdpPort();
        openssl = OpensslPeer.server(port, peer, "SRTP_AES128_CM_SHA1_80", 60);
        bridge = new UdpBridge(new InetSocketAddress("127.0.0.1", port));
        final Outcome outcome = new Outcome();
        session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.CLIENT, ours,
            ours.fingerprintOf("sha-256"), bridge, outcome);
        bridge.attach(session);
        session.start();
        final String reason = outcome.awaitFailed(20);
        assertTrue(reason.startsWith("fingerprint mismatch"), reason);
        assertEquals(1, executor.counters().fingerprintMismatches());
        assertEquals(DtlsSrtpSession.State.FAILED, session.state());
        assertEquals(peer.sha256(), session.peerFingerprint());
    }

    @Test
    void asServerAWrongFingerprintIsRefused() throws Exception {
        bridge = new UdpBridge(null);
        final Outcome outcome = new Outcome();
        session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.SERVER, ours,
            DtlsFingerprint.parse("sha-256 " + ours.fingerprint("sha-256")), bridge, outcome);
        bridge.attach(session);
        session.start();
        openssl = OpensslPeer.client(bridge.port(), peer, "SRTP_AES128_CM_SHA1_80", 60);
        final String reason = outcome.awaitFailed(20);
        assertTrue(reason.startsWith("fingerprint mismatch"), reason);
        assertEquals(1, executor.counters().fingerprintMismatches());
    }

    /**
     * openssl's keying material, split per RFC 5764 §4.2, gives the policies we handed over; and SRTP from our
     * egress context unprotects in a context of openssl's ingress keys, and the reverse.
     */
    private static void checkKeys(final Outcome.Keys keys, final boolean weAreClient, final byte[] km) {
        final SrtpProfile p = keys.profile();
        assertEquals(2 * p.keySaltLength(), km.length);
        final int k = p.masterKeyLength();
        final int s = p.masterSaltLength();
        final SrtpPolicy client = SrtpPolicy.of(p, Arrays.copyOfRange(km, 0, k),
            Arrays.copyOfRange(km, 2 * k, 2 * k + s));
        final SrtpPolicy server = SrtpPolicy.of(p, Arrays.copyOfRange(km, k, 2 * k),
            Arrays.copyOfRange(km, 2 * k + s, 2 * k + 2 * s));
        final SrtpPolicy opensslEgress = weAreClient ? server : client;
        final SrtpPolicy opensslIngress = weAreClient ? client : server;
        assertEquals(opensslIngress, keys.localEgress());
        assertEquals(opensslEgress, keys.remoteIngress());
        roundTrip(keys.localEgress(), opensslIngress);
        roundTrip(opensslEgress, keys.remoteIngress());
    }

    private static void roundTrip(final SrtpPolicy protectWith, final SrtpPolicy unprotectWith) {
        final byte[] rtp = rtp(4711, 0x5eed1234, 160);
        final ByteBuffer buf = ByteBuffer.allocateDirect(rtp.length + 64);
        buf.put(rtp).clear();
        final int protectedLength = SrtpContext.create(protectWith).protectRtp(buf, 0, rtp.length);
        assertTrue(protectedLength > rtp.length, "protect: " + protectedLength);
        final int plainLength = SrtpContext.create(unprotectWith).unprotectRtp(buf, 0, protectedLength);
        assertEquals(rtp.length, plainLength);
        final byte[] out = new byte[plainLength];
        buf.get(0, out);
        assertArrayEquals(rtp, out);
    }

    static byte[] rtp(final int seq, final int ssrc, final int payload) {
        final byte[] p = new byte[12 + payload];
        p[0] = (byte) 0x80;
        p[1] = 0;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }
}
