package io.rtprelay.srtp.dtls;

import io.rtprelay.srtp.SrtpProfile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two of our sessions back to back in memory, real crypto: they agree on a profile and on the keys (each side's
 * egress is the other's ingress), over a path that duplicates, reorders and injects garbage too; a wrong
 * fingerprint is refused on both sides; a closed session frees its thread.
 */
@Timeout(60)
class DtlsSrtpSessionInMemoryTest {
    static final DtlsCertificate EC = DtlsCertificate.generate();
    private final DtlsHandshakeExecutor executor = new DtlsHandshakeExecutor(8);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (final AutoCloseable c : toClose) {
            c.close();
        }
        executor.close();
    }

    record Pair(DtlsSrtpSession client, Outcome clientOutcome, DtlsSrtpSession server, Outcome serverOutcome) {
    }

    Pair pair(final DtlsSrtpConfig config, final DtlsCertificate clientCert, final DtlsCertificate serverCert,
              final DtlsFingerprint clientExpects, final DtlsFingerprint serverExpects, final boolean faults) {
        final Pipe toServer = new Pipe("to-server", faults, faults, faults);
        final Pipe toClient = new Pipe("to-client", faults, faults, faults);
        toClose.add(toServer);
        toClose.add(toClient);
        final Outcome co = new Outcome();
        final Outcome so = new Outcome();
        final DtlsSrtpSession client = new DtlsSrtpSession(executor, config, DtlsSrtpSession.Role.CLIENT, clientCert,
            clientExpects, toServer, co);
        final DtlsSrtpSession server = new DtlsSrtpSession(executor, config, DtlsSrtpSession.Role.SERVER, serverCert,
            serverExpects, toClient, so);
        toServer.to(server);
        toClient.to(client);
        toClose.add(client);
        toClose.add(server);
        return new Pair(client, co, server, so);
    }

    @ParameterizedTest
    @EnumSource(value = UseSrtpProfile.class)
    void bothSidesAgreeOnTheProfileAndTheKeys(final UseSrtpProfile profile) throws Exception {
        final DtlsCertificate serverCert = DtlsCertificate.generate();
        final Pair p = pair(DtlsSrtpConfig.DEFAULT.withProfiles(List.of(profile)), EC, serverCert,
            serverCert.fingerprintOf("sha-256"), EC.fingerprintOf("sha-1"), false);
        assertTrue(p.server().start());
        assertTrue(p.client().start());
        final Outcome.Keys c = p.clientOutcome().awaitConnected(20);
        final Outcome.Keys s = p.serverOutcome().awaitConnected(20);
        assertEquals(profile.srtpProfile(), c.profile());
        assertEquals(profile.srtpProfile(), s.profile());
        assertEquals(c.localEgress(), s.remoteIngress());
        assertEquals(s.localEgress(), c.remoteIngress());
        assertFalse(c.localEgress().equals(c.remoteIngress()), "both directions with the same key");
        assertTrue(c.thread().startsWith("rtprelay-dtls-"), c.thread());
        assertEquals(DtlsSrtpSession.State.CONNECTED, p.client().state());
        assertEquals(profile, p.server().profile());
        assertEquals(EC.fingerprintOf("sha-1"), p.server().peerFingerprint());
        assertEquals(serverCert.fingerprintOf("sha-256"), p.client().peerFingerprint());
        assertEquals(2, executor.counters().handshakesCompleted());
    }

    @Test
    void theServerPicksItsFirstProfileThatTheClientOffers() throws Exception {
        final DtlsSrtpConfig clientConfig = DtlsSrtpConfig.DEFAULT.withProfiles(List.of(
            UseSrtpProfile.SRTP_AES128_CM_HMAC_SHA1_32, UseSrtpProfile.SRTP_AEAD_AES_128_GCM));
        final DtlsSrtpConfig serverConfig = DtlsSrtpConfig.DEFAULT.withProfiles(List.of(
            UseSrtpProfile.SRTP_AEAD_AES_256_GCM, UseSrtpProfile.SRTP_AEAD_AES_128_GCM,
            UseSrtpProfile.SRTP_AES128_CM_HMAC_SHA1_32));
        final Pipe toServer = new Pipe("to-server");
        final Pipe toClient = new Pipe("to-client");
        toClose.add(toServer);
        toClose.add(toClient);
        final Outcome co = new Outcome();
        final Outcome so = new Outcome();
        final DtlsSrtpSession client = new DtlsSrtpSession(executor, clientConfig, DtlsSrtpSession.Role.CLIENT, EC,
            EC.fingerprintOf("sha-256"), toServer, co);
        final DtlsSrtpSession server = new DtlsSrtpSession(executor, serverConfig, DtlsSrtpSession.Role.SERVER, EC,
            EC.fingerprintOf("sha-256"), toClient, so);
        toServer.to(server);
        toClient.to(client);
        toClose.add(client);
        toClose.add(server);
        server.start();
        client.start();
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, co.awaitConnected(20).profile());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, so.awaitConnected(20).profile());
    }

    @Test
    void anRsaCertificateSignedWithSha1WorksToo() throws Exception {
        final DtlsCertificate rsa = DtlsCertificate.generate(DtlsCertificate.KeyType.RSA, 2048,
            DtlsCertificate.SignatureHash.SHA_1, new java.security.SecureRandom(), java.time.Instant.now());
        final Pair p = pair(DtlsSrtpConfig.DEFAULT, EC, rsa, rsa.fingerprintOf("sha-512"), EC.fingerprintOf("sha-384"),
            false);
        p.server().start();
        p.client().start();
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, p.clientOutcome().awaitConnected(20).profile());
        p.serverOutcome().awaitConnected(20);
    }

    @Test
    void duplicatedReorderedAndGarbageRecordsDoNotStopTheHandshake() throws Exception {
        final Pair p = pair(DtlsSrtpConfig.DEFAULT, EC, EC, EC.fingerprintOf("sha-256"), EC.fingerprintOf("sha-256"),
            true);
        p.server().start();
        p.client().start();
        final Outcome.Keys c = p.clientOutcome().awaitConnected(25);
        final Outcome.Keys s = p.serverOutcome().awaitConnected(25);
        assertEquals(c.localEgress(), s.remoteIngress());
        assertEquals(s.localEgress(), c.remoteIngress());
    }

    @Test
    void aWrongFingerprintIsRefusedAndCounted() throws Exception {
        final DtlsCertificate other = DtlsCertificate.generate();
        final Pair p = pair(DtlsSrtpConfig.DEFAULT, EC, EC, other.fingerprintOf("sha-256"),
            EC.fingerprintOf("sha-256"), false);
        p.server().start();
        p.client().start();
        final String reason = p.clientOutcome().awaitFailed(20);
        assertTrue(reason.startsWith("fingerprint mismatch"), reason);
        final String serverReason = p.serverOutcome().awaitFailed(20);
        assertTrue(serverReason.startsWith("alert received: bad_certificate"), serverReason);
        assertEquals(DtlsSrtpSession.State.FAILED, p.client().state());
        assertEquals(EC.fingerprintOf("sha-256"), p.client().peerFingerprint());
        assertEquals(1, executor.counters().fingerprintMismatches());
        assertEquals(2, executor.counters().handshakesFailed());
        assertEquals(1, p.clientOutcome().calls);
    }

    @Test
    void theServerRefusesAClientWhoseCertificateIsNotTheSdpsOne() throws Exception {
        final DtlsCertificate other = DtlsCertificate.generate();
        final Pair p = pair(DtlsSrtpConfig.DEFAULT, EC, EC, EC.fingerprintOf("sha-256"),
            other.fingerprintOf("sha-256"), false);
        p.server().start();
        p.client().start();
        assertTrue(p.serverOutcome().awaitFailed(20).startsWith("fingerprint mismatch"));
        p.clientOutcome().awaitFailed(20);
        assertEquals(1, executor.counters().fingerprintMismatches());
    }

    @Test
    void noCommonProfileFails() throws Exception {
        final Pipe toServer = new Pipe("to-server");
        final Pipe toClient = new Pipe("to-client");
        toClose.add(toServer);
        toClose.add(toClient);
        final Outcome co = new Outcome();
        final Outcome so = new Outcome();
        final DtlsSrtpSession client = new DtlsSrtpSession(executor,
            DtlsSrtpConfig.DEFAULT.withProfiles(List.of(UseSrtpProfile.SRTP_AES128_CM_HMAC_SHA1_32)),
            DtlsSrtpSession.Role.CLIENT, EC, EC.fingerprintOf("sha-256"), toServer, co);
        final DtlsSrtpSession server = new DtlsSrtpSession(executor,
            DtlsSrtpConfig.DEFAULT.withProfiles(List.of(UseSrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80)),
            DtlsSrtpSession.Role.SERVER, EC, EC.fingerprintOf("sha-256"), toClient, so);
        toServer.to(server);
        toClient.to(client);
        toClose.add(client);
        toClose.add(server);
        server.start();
        client.start();
        assertTrue(so.awaitFailed(20).contains("no common SRTP protection profile"), so.failed.get());
        co.awaitFailed(20);
    }

    @Test
    void aHandshakeWithNoPeerTimesOutAndFreesItsThread() throws Exception {
        final Outcome o = new Outcome();
        final DtlsSrtpSession client = new DtlsSrtpSession(executor,
            DtlsSrtpConfig.DEFAULT.withHandshakeTimeoutMs(1500),
            DtlsSrtpSession.Role.CLIENT, EC, EC.fingerprintOf("sha-256"), (b, off, len) -> { }, o);
        toClose.add(client);
        client.start();
        assertTrue(o.awaitFailed(10).startsWith("timeout"), o.failed.get());
        assertEquals(1, executor.counters().handshakeTimeouts());
        waitFor(() -> executor.inFlight() == 0);
    }

    @Test
    void closingAHandshakeFreesItsThreadWithoutCallingTheListener() throws Exception {
        final Outcome o = new Outcome();
        final DtlsSrtpSession server = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
            DtlsSrtpSession.Role.SERVER, EC, EC.fingerprintOf("sha-256"), (b, off, len) -> { }, o);
        server.start();
        waitFor(() -> executor.inFlight() == 1);
        server.close();
        waitFor(() -> executor.inFlight() == 0);
        assertEquals(DtlsSrtpSession.State.CLOSED, server.state());
        assertEquals(0, o.calls);
        assertFalse(server.offer(java.nio.ByteBuffer.allocate(20), 0, 20));
        assertFalse(server.start());
        assertNull(server.profile());
    }

    @Test
    void closingTheExecutorEndsItsHandshakesPromptly() throws Exception {
        final Outcome o = new Outcome();
        final DtlsSrtpSession server = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
            DtlsSrtpSession.Role.SERVER, EC, EC.fingerprintOf("sha-256"), (b, off, len) -> { }, o);
        toClose.add(server);
        server.start();
        waitFor(() -> executor.inFlight() == 1);
        executor.close();
        final String reason = o.awaitFailed(5);
        assertTrue(reason.startsWith("interrupted") || reason.startsWith("alert sent"), reason);
        waitFor(() -> executor.inFlight() == 0);
        assertFalse(new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, DtlsSrtpSession.Role.CLIENT, EC,
            EC.fingerprintOf("sha-256"), (b, off, len) -> { }, new Outcome()).start());
    }

    static void waitFor(final java.util.function.BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
