package io.rtprelay.srtp.dtls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DtlsSrtpSession#offer} allocates nothing on the event loop once its slots exist: the bytes this thread
 * allocates over 10,000 offers, once warm, while a server handshakes (records queued or dropped as the queue is
 * full) and after the handshake (records counted, the final flight resent while its bound lasts).
 */
@Timeout(60)
class DtlsOfferAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final DtlsCertificate EC = DtlsSrtpSessionInMemoryTest.EC;
    private final DtlsHandshakeExecutor executor = new DtlsHandshakeExecutor(4);

    @AfterEach
    void close() {
        executor.close();
    }

    @Test
    void offerWhileHandshakingAllocatesNothing() {
        try (DtlsSrtpSession server = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
            DtlsSrtpSession.Role.SERVER, EC, EC.fingerprintOf("sha-256"), (b, off, len) -> { }, new Outcome())) {
            server.start();
            // a handshake record of a ClientHello type with a bad body: BC reads and drops it
            final ByteBuffer record = ByteBuffer.allocateDirect(200);
            record.put(0, new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 40, 1, 0, 0, 30});
            final long allocated = allocatedInACleanRound(() -> server.offer(record, 0, 200));
            assertTrue(allocated < 1_000, allocated + " bytes allocated over 10,000 offers");
            assertEquals(DtlsSrtpSession.State.HANDSHAKING, server.state());
        }
    }

    @Test
    void offerAfterTheHandshakeAllocatesNothing() throws Exception {
        try (Pipe toServer = new Pipe("to-server"); Pipe toClient = new Pipe("to-client")) {
            final Outcome co = new Outcome();
            final Outcome so = new Outcome();
            final DtlsSrtpSession client = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
                DtlsSrtpSession.Role.CLIENT, EC, EC.fingerprintOf("sha-256"), toServer, co);
            final DtlsSrtpSession connectedServer = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
                DtlsSrtpSession.Role.SERVER, EC, EC.fingerprintOf("sha-256"), toClient, so);
            toServer.to(connectedServer);
            toClient.to(client);
            connectedServer.start();
            client.start();
            co.awaitConnected(20);
            so.awaitConnected(20);
            final ByteBuffer finished = ByteBuffer.allocateDirect(64);
            finished.put(0, (byte) 22);
            final ByteBuffer alert = ByteBuffer.allocateDirect(64);
            alert.put(0, (byte) 21);
            final long allocated = allocatedInACleanRound(() -> {
                connectedServer.offer(finished, 0, 40);
                client.offer(alert, 0, 40);
                return true;
            });
            assertTrue(allocated < 1_000, allocated + " bytes allocated over 10,000 offers");
            assertEquals(DtlsSrtpConfig.DEFAULT_MAX_FINAL_FLIGHT_RESENDS, executor.counters().finalFlightResends());
            client.close();
            connectedServer.close();
        }
    }

    private interface Offer {
        boolean run();
    }

    private static long allocatedInACleanRound(final Offer offer) {
        final long tid = Thread.currentThread().threadId();
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 30 && allocated >= 1_000; round++) {
            final long before = THREADS.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 10_000; i++) {
                offer.run();
            }
            allocated = THREADS.getThreadAllocatedBytes(tid) - before;
        }
        return allocated;
    }
}
