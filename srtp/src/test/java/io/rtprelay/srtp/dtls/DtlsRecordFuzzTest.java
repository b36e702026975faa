package io.rtprelay.srtp.dtls;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of what a server-role session does with arbitrary datagrams (docs/FUZZING.md): the input
 * is datagrams, each a 2-byte big-endian length and its bytes, at most 64 of them; they are offered to a
 * {@link DtlsSrtpSession} (queue depth 16, so some are dropped), it is started, and once its handshake thread has
 * taken them all it is closed. Nothing throws out of {@code offer}, what is not queued is counted as dropped, the
 * session never connects (no input holds the client's key), what it sends fits the MTU, and its thread comes back
 * to the executor. Seeds: openssl's ClientHello (once, twice, truncated), a record header claiming 64 KiB.
 */
class DtlsRecordFuzzTest {
    private static final DtlsHandshakeExecutor EXECUTOR = new DtlsHandshakeExecutor(2);
    private static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate();
    private static final DtlsFingerprint SOMEONE_ELSE = DtlsCertificate.generate().fingerprintOf("sha-256");
    private static final int MAX_DATAGRAMS = 64;
    /** The loop's receive buffer, one for every input (as the relay has one per loop). */
    private static final ByteBuffer BUF = ByteBuffer.allocateDirect(65_536 + 16);

    @FuzzTest
    void serverSessionSurvivesAnyDatagrams(final byte[] input) throws InterruptedException {
        final AtomicLong oversize = new AtomicLong();
        final DtlsSrtpSession server = new DtlsSrtpSession(EXECUTOR, DtlsSrtpConfig.DEFAULT,
            DtlsSrtpSession.Role.SERVER, CERTIFICATE, SOMEONE_ELSE, (b, off, len) -> {
                if (len > DtlsSrtpConfig.DEFAULT_MTU) {
                    oversize.incrementAndGet();
                }
            }, new Outcome());
        final ByteBuffer in = ByteBuffer.wrap(input);
        final ByteBuffer buf = BUF;
        int offered = 0;
        int queued = 0;
        while (in.remaining() >= 2 && offered < MAX_DATAGRAMS) {
            final int length = Math.min(in.getShort() & 0xFFFF, in.remaining());
            buf.clear();
            buf.put(3, input, in.position(), length);
            in.position(in.position() + length);
            offered++;
            if (server.offer(buf, 3, length)) {
                queued++;
            }
        }
        assertEquals(offered - queued, server.droppedRecords());
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (!server.start() && server.state() == DtlsSrtpSession.State.FAILED
            && server.failureReason().startsWith("refused") && System.nanoTime() < deadline) {
            // the previous input's thread is still finishing: not this input's finding
            Thread.sleep(1);
        }
        while (server.queuedRecords() > 0 && server.state() == DtlsSrtpSession.State.HANDSHAKING
            && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertNotEquals(DtlsSrtpSession.State.CONNECTED, server.state());
        server.close();
        while (EXECUTOR.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(0, EXECUTOR.inFlight(), "the handshake thread did not come back");
        assertEquals(0, oversize.get(), "a datagram longer than the MTU");
        assertTrue(EXECUTOR.threads() <= EXECUTOR.maxConcurrentHandshakes());
    }
}
