package io.rtprelay.srtp.dtls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounds: a flood of ClientHellos to many server sessions beyond the executor's cap is refused and counted, the
 * handshake threads never outnumber the cap, and handshakes already running, and those started once the flood has
 * timed out, still complete; a session's queue drops and counts what does not fit; a server whose final flight was
 * lost sends it again, from the event loop, when the client retransmits, after its thread has gone.
 */
@Timeout(60)
class DtlsHandshakeLimitsTest {
    private static final DtlsCertificate EC = DtlsSrtpSessionInMemoryTest.EC;
    private static final int CAP = 8;
    private final DtlsHandshakeExecutor executor = new DtlsHandshakeExecutor(CAP);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (final AutoCloseable c : toClose) {
            c.close();
        }
        executor.close();
    }

    private record Pair(DtlsSrtpSession client, Outcome co, DtlsSrtpSession server, Outcome so, Pipe toClient) {
    }

    private Pair pair() {
        final Pipe toServer = new Pipe("to-server");
        final Pipe toClient = new Pipe("to-client");
        final Outcome co = new Outcome();
        final Outcome so = new Outcome();
        final DtlsSrtpSession client = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
            DtlsSrtpSession.Role.CLIENT, EC, EC.fingerprintOf("sha-256"), toServer, co);
        final DtlsSrtpSession server = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
            DtlsSrtpSession.Role.SERVER, EC, EC.fingerprintOf("sha-256"), toClient, so);
        toServer.to(server);
        toClient.to(client);
        toClose.add(toServer);
        toClose.add(toClient);
        toClose.add(client);
        toClose.add(server);
        return new Pair(client, co, server, so, toClient);
    }

    /** A real ClientHello, as our client sends it first. */
    private static byte[] clientHello() throws Exception {
        try (DtlsHandshakeExecutor one = new DtlsHandshakeExecutor(1)) {
            final java.util.concurrent.CompletableFuture<byte[]> first = new java.util.concurrent.CompletableFuture<>();
            final DtlsSrtpSession client = new DtlsSrtpSession(one, DtlsSrtpConfig.DEFAULT,
                DtlsSrtpSession.Role.CLIENT, EC, EC.fingerprintOf("sha-256"),
                (b, off, len) -> first.complete(java.util.Arrays.copyOfRange(b, off, off + len)), new Outcome());
            client.start();
            final byte[] hello = first.get(10, java.util.concurrent.TimeUnit.SECONDS);
            client.close();
            return hello;
        }
    }

    @Test
    void aClientHelloFloodBeyondTheCapIsRefusedCountedAndBoundedWhileOthersComplete() throws Exception {
        final byte[] hello = clientHello();
        assertEquals(22, hello[0], "a handshake record");
        final int threadsBefore = dtlsThreads();
        final Pair first = pair();
        assertTrue(first.server().start());
        assertTrue(first.client().start());
        final DtlsSrtpConfig shortTimeout = DtlsSrtpConfig.DEFAULT.withHandshakeTimeoutMs(2_000);
        final int flood = 60;
        final List<DtlsSrtpSession> flooded = new ArrayList<>();
        final List<Outcome> floodOutcomes = new ArrayList<>();
        int started = 0;
        final ByteBuffer buf = ByteBuffer.wrap(hello);
        for (int i = 0; i < flood; i++) {
            final Outcome o = new Outcome();
            final DtlsSrtpSession s = new DtlsSrtpSession(executor, shortTimeout, DtlsSrtpSession.Role.SERVER, EC,
                EC.fingerprintOf("sha-256"), (b, off, len) -> { }, o);
            toClose.add(s);
            flooded.add(s);
            floodOutcomes.add(o);
            s.offer(buf, 0, hello.length);
            if (s.start()) {
                started++;
            }
            for (int r = 0; r < 3; r++) {
                s.offer(buf, 0, hello.length);
            }
        }
        // The first pair holds two threads while it handshakes (it may be done before the flood is): at most CAP
        // flooded sessions got a thread, the rest were refused.
        assertTrue(started >= CAP - 2 && started <= CAP, "started " + started);
        assertEquals(flood - started, executor.counters().handshakesRefused());
        assertTrue(executor.threads() <= CAP, "threads " + executor.threads());
        assertTrue(dtlsThreads() - threadsBefore <= CAP, "DTLS threads " + dtlsThreads());
        int refusedCalls = 0;
        for (int i = 0; i < flood; i++) {
            if (flooded.get(i).state() == DtlsSrtpSession.State.FAILED) {
                assertTrue(floodOutcomes.get(i).failed.getNow("").startsWith("refused"));
                refusedCalls++;
            }
        }
        assertEquals(flood - started, refusedCalls);
        // The pair that was handshaking completes despite the flood; once the flood has timed out (and given its
        // threads back), new handshakes complete.
        first.co().awaitConnected(20);
        first.so().awaitConnected(20);
        DtlsSrtpSessionInMemoryTest.waitFor(() -> executor.inFlight() == 0);
        assertEquals(started, executor.counters().handshakeTimeouts());
        final Pair second = pair();
        second.server().start();
        second.client().start();
        second.co().awaitConnected(20);
        second.so().awaitConnected(20);
        assertTrue(dtlsThreads() - threadsBefore <= CAP, "DTLS threads " + dtlsThreads());
    }

    @Test
    void aFullQueueDropsAndCounts() {
        final DtlsSrtpSession server = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT.withQueueDepth(4),
            DtlsSrtpSession.Role.SERVER, EC, EC.fingerprintOf("sha-256"), (b, off, len) -> { }, new Outcome());
        toClose.add(server);
        final ByteBuffer record = ByteBuffer.allocateDirect(100);
        int accepted = 0;
        for (int i = 0; i < 50; i++) {
            if (server.offer(record, 0, 100)) {
                accepted++;
            }
        }
        assertEquals(4, accepted);
        assertFalse(server.offer(ByteBuffer.allocate(4000), 0, DtlsSrtpConfig.DEFAULT_MAX_RECORD_LENGTH + 1));
        assertFalse(server.offer(record, 0, 0));
        assertEquals(48, server.droppedRecords());
        assertEquals(48, executor.counters().droppedRecords());
        assertEquals(0, executor.threads(), "not started: no thread");
    }

    @Test
    void aLostFinalFlightIsSentAgainWhenTheClientRetransmitsAfterTheServerThreadHasGone() throws Exception {
        final Pair p = pair();
        // Drop the server's ChangeCipherSpec and everything of epoch 1 until the server has resent its flight.
        p.toClient().dropWhen(d -> executor.counters().finalFlightResends() == 0
            && (d[0] == 20 || d.length > 4 && (d[3] != 0 || d[4] != 0)));
        p.server().start();
        p.client().start();
        p.so().awaitConnected(20);
        final Outcome.Keys c = p.co().awaitConnected(20);
        assertTrue(executor.counters().finalFlightResends() >= 1);
        assertTrue(executor.counters().postHandshakeRecords() >= 1);
        assertEquals(c.localEgress(), p.so().connected.get().remoteIngress());
    }

    @Test
    void afterTheHandshakeRecordsAreCountedAndDroppedWithoutAThread() throws Exception {
        final Pair p = pair();
        p.server().start();
        p.client().start();
        p.co().awaitConnected(20);
        p.so().awaitConnected(20);
        DtlsSrtpSessionInMemoryTest.waitFor(() -> executor.inFlight() == 0);
        final ByteBuffer alert = ByteBuffer.wrap(new byte[] {21, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 9,
            0, 2, 1, 0});
        for (int i = 0; i < 1000; i++) {
            assertFalse(p.client().offer(alert, 0, alert.capacity()));
            p.server().offer(alert, 0, alert.capacity());
        }
        assertEquals(2000, executor.counters().postHandshakeRecords());
        assertEquals(0, executor.inFlight());
        assertEquals(DtlsSrtpSession.State.CONNECTED, p.client().state());
    }

    private static int dtlsThreads() {
        int n = 0;
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("rtprelay-dtls-")) {
                n++;
            }
        }
        return n;
    }
}
