package io.rtprelay.srtp.dtls;

import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;

import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The DTLS-SRTP handshake of one media stream (RFC 5764, with the SDP rules of RFC 5763): DTLS 1.2 on Bouncy
 * Castle's {@link DTLSClientProtocol} / {@link DTLSServerProtocol}, negotiating an SRTP profile with
 * {@code use_srtp} and exporting the SRTP master keys (RFC 5764 §4.2). No sockets: records come in through
 * {@link #offer}, records go out through {@link Outbound}, keys come out through {@link Listener}.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li><b>The stream's event loop</b> (one thread at a time) calls {@link #offer} with each DTLS datagram the media
 *       socket receives: it copies the bytes into one of the session's slots (at most
 *       {@link DtlsSrtpConfig#queueDepth()}, made on first use, let go when the handshake ends) and returns; a full
 *       queue, a datagram longer than a slot, or a session that is not handshaking drops it, counted. It never
 *       blocks and never allocates after the slots exist.</li>
 *   <li><b>A handshake thread</b> of the shared {@link DtlsHandshakeExecutor} runs the blocking handshake from
 *       {@link #start()} until it completes, fails or times out, taking the records from the queue (Bouncy Castle's
 *       own timers retransmit flights and reassemble reordered, duplicated or fragmented handshake messages). It
 *       calls {@link Outbound#send} for every datagram and then the {@link Listener}, exactly one of
 *       {@link Listener#onConnected} and {@link Listener#onFailed}, and gives its thread back.</li>
 *   <li>{@link #close()}, {@link #state()} and the other queries: any thread.</li>
 * </ul>
 *
 * <h2>After the handshake</h2>
 * The handshake thread does not stay: a session holds a thread only while it handshakes. What DTLS still needs
 * afterwards is done on the event loop, in {@link #offer}: the last flight of a DTLS 1.2 full handshake is the
 * server's ChangeCipherSpec and Finished; if it is lost the client retransmits its own last flight (RFC 6347
 * §4.2.4), and a server session answers each such datagram (one that starts with a ChangeCipherSpec or handshake
 * record) by sending the datagrams of its final flight again, which it kept, at most
 * {@link DtlsSrtpConfig#maxFinalFlightResends()} times. Everything else after the handshake (alerts such as a
 * close_notify, and application data, which DTLS-SRTP does not use) is counted
 * ({@link DtlsCounters#postHandshakeRecords()}) and dropped without being decrypted, so a close_notify does not end
 * the stream (the ng delete and the media timeouts do). {@link #close()} sends no close_notify.
 *
 * <h2>Authentication</h2>
 * The peer must present a certificate (the server requests one) whose fingerprint, by the hash the SDP names, is
 * the {@code remoteFingerprint} of the SDP (RFC 5763 §5); else the handshake fails with a {@code bad_certificate}
 * alert, counted in {@link DtlsCounters#fingerprintMismatches()}. Bouncy Castle checks that the peer holds the
 * certificate's key (the server's key exchange signature, the client's CertificateVerify).
 */
public final class DtlsSrtpSession implements AutoCloseable {
    /** The DTLS role, from the SDP's {@code a=setup} (RFC 4145, RFC 5763 §5). */
    public enum Role {
        /** {@code a=setup:active}: this side sends the ClientHello. */
        CLIENT,
        /** {@code a=setup:passive}: this side waits for the ClientHello. */
        SERVER;

        /**
         * @param setup this side's {@code a=setup} value, {@code active} or {@code passive} (an answer has decided;
         *              {@code actpass} and {@code holdconn} are not a role).
         * @return the role.
         * @throws IllegalArgumentException for any other value.
         */
        public static Role ofSetup(final String setup) {
            if ("active".equalsIgnoreCase(setup)) {
                return CLIENT;
            }
            if ("passive".equalsIgnoreCase(setup)) {
                return SERVER;
            }
            throw new IllegalArgumentException("a=setup:" + setup + " is not a DTLS role (active or passive)");
        }
    }

    /** Where a session is. */
    public enum State {
        /** Made, not started: records offered now wait in the queue. */
        NEW,
        /** {@link #start()} took a handshake thread. */
        HANDSHAKING,
        /** The keys were exported and {@link Listener#onConnected} called. */
        CONNECTED,
        /** The handshake failed or was refused; {@link Listener#onFailed} was called. */
        FAILED,
        /** {@link #close()} was called. */
        CLOSED
    }

    /** Sends a datagram to the peer: the relay writes it on the stream's channel. */
    @FunctionalInterface
    public interface Outbound {
        /**
         * Called on the handshake thread during the handshake and on the event loop calling {@link #offer} after it
         * (a server's final flight sent again), so it must be thread-safe (Netty's {@code Channel.writeAndFlush}
         * is). The bytes are only valid during the call: copy them.
         *
         * @param datagram the array holding the datagram.
         * @param offset   where it starts.
         * @param length   its length, at most the MTU.
         */
        void send(byte[] datagram, int offset, int length);
    }

    /**
     * What the handshake came to. Called once per session, on its handshake thread (except
     * {@link #onFailed} for a session refused by the executor's cap, called on the thread calling
     * {@link #start()}); never on an event loop, so the relay posts the result to the stream's loop (and does no
     * more: the handshake's permit is held until the call returns). A call may race with {@link #close()}: the
     * relay ignores a result for a stream it closed.
     */
    public interface Listener {
        /**
         * The handshake completed: make the stream's SRTP contexts.
         *
         * @param profile       the negotiated SRTP crypto suite.
         * @param localEgress   what to protect the packets this relay sends with: this role's write key and salt.
         * @param remoteIngress what to unprotect the peer's packets with: the peer role's write key and salt.
         */
        void onConnected(SrtpProfile profile, SrtpPolicy localEgress, SrtpPolicy remoteIngress);

        /**
         * The handshake failed: fingerprint mismatch, an alert sent or received, a timeout, no common profile, the
         * executor's cap; the stream has no keys.
         *
         * @param reason a short text for logs and query output.
         */
        void onFailed(String reason);
    }

    /** The most datagrams of a final flight kept for resending (ChangeCipherSpec and Finished: one or two). */
    static final int MAX_FINAL_FLIGHT_DATAGRAMS = 4;
    private static final int CONTENT_CHANGE_CIPHER_SPEC = 20;
    private static final int CONTENT_ALERT = 21;
    private static final int CONTENT_HANDSHAKE = 22;
    private static final long EXTRA_TIMEOUT_MS = 1_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(DtlsSrtpSession.class, "state", State.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A preallocated buffer for one received datagram. */
    private static final class Slot {
        final byte[] data;
        int length;

        Slot(final int size) {
            data = new byte[size];
        }
    }

    private final DtlsHandshakeExecutor executor;
    private final DtlsCounters counters;
    private final DtlsSrtpConfig config;
    private final Role role;
    private final DtlsCertificate certificate;
    private final DtlsFingerprint remoteFingerprint;
    private final Outbound outbound;
    private final Listener listener;
    // Made with the session, let go (with their slots) when the handshake thread is done: null after that.
    private volatile OneToOneConcurrentArrayQueue<Slot> received;
    private volatile OneToOneConcurrentArrayQueue<Slot> free;
    private final byte[][] finalFlight = new byte[MAX_FINAL_FLIGHT_DATAGRAMS][];
    private final int[] finalFlightLengths = new int[MAX_FINAL_FLIGHT_DATAGRAMS];

    private volatile State state = State.NEW;
    private volatile Thread handshakeThread;
    private volatile UseSrtpProfile profile;
    private volatile DtlsFingerprint peerFingerprint;
    private volatile String failureReason;
    private volatile boolean fingerprintMismatch;
    private volatile long startNs;
    private volatile long handshakeNs;

    // The event loop's: slots made so far, resends done, records dropped by this session.
    private int slotsMade;
    private int finalFlightResends;
    private volatile long droppedRecords;

    // The handshake thread's: flight tracking for the final flight.
    private boolean receivedSinceSend;
    private int finalFlightCount;
    private byte[] exported;

    /**
     * @param executor          the shared handshake threads (and counters).
     * @param config            MTU, timeout, queue, profiles.
     * @param role              client ({@code a=setup:active}) or server ({@code a=setup:passive}).
     * @param certificate       the relay's certificate.
     * @param remoteFingerprint the peer's {@code a=fingerprint} from its SDP: mandatory.
     * @param outbound          where datagrams to the peer go.
     * @param listener          where the result goes.
     */
    public DtlsSrtpSession(final DtlsHandshakeExecutor executor, final DtlsSrtpConfig config, final Role role,
                           final DtlsCertificate certificate, final DtlsFingerprint remoteFingerprint,
                           final Outbound outbound, final Listener listener) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.counters = executor.counters();
        this.config = Objects.requireNonNull(config, "config");
        this.role = Objects.requireNonNull(role, "role");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.remoteFingerprint = Objects.requireNonNull(remoteFingerprint, "remoteFingerprint");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.received = new OneToOneConcurrentArrayQueue<>(config.queueDepth());
        this.free = new OneToOneConcurrentArrayQueue<>(config.queueDepth());
    }

    /**
     * Starts the handshake on a handshake thread: a client sends its ClientHello at once, a server waits for one
     * (records offered before are in the queue). Call once, when the SDP has settled the role and the peer's
     * fingerprint.
     *
     * @return true if it started; false if it was not NEW, or if the executor's cap of concurrent handshakes was
     *         reached: then the session is FAILED, counted as refused, and {@link Listener#onFailed} was called on
     *         this thread.
     */
    public boolean start() {
        if (!STATE.compareAndSet(this, State.NEW, State.HANDSHAKING)) {
            return false;
        }
        startNs = System.nanoTime();
        if (executor.tryExecute(this::runHandshake)) {
            return true;
        }
        fail("refused: " + executor.maxConcurrentHandshakes() + " DTLS handshakes in progress");
        received = null;
        free = null;
        return false;
    }

    /**
     * Hands the session a DTLS datagram the stream received. Event loop; never blocks; copies the bytes (the
     * buffer's position and limit are not changed), so the caller may release its buffer on return.
     *
     * @param record the buffer holding the datagram (direct or heap).
     * @param offset where the datagram starts in it (absolute).
     * @param length its length.
     * @return true if it was queued for the handshake or answered after it; false if dropped (counted): queue
     *         full, too long, or the session failed or was closed.
     */
    public boolean offer(final ByteBuffer record, final int offset, final int length) {
        final State s = state;
        if (s == State.NEW || s == State.HANDSHAKING) {
            final OneToOneConcurrentArrayQueue<Slot> queue = received;
            final OneToOneConcurrentArrayQueue<Slot> slots = free;
            if (queue == null || slots == null || length <= 0 || length > config.maxRecordLength()) {
                return drop();
            }
            Slot slot = slots.poll();
            if (slot == null) {
                if (slotsMade == config.queueDepth()) {
                    return drop();
                }
                slotsMade++;
                slot = new Slot(config.maxRecordLength());
            }
            record.get(offset, slot.data, 0, length);
            slot.length = length;
            if (!queue.offer(slot)) {
                // Not reached (no more slots than the queue holds); the slot is let go, the free queue keeps one
                // producer.
                slotsMade--;
                return drop();
            }
            final Thread waiter = handshakeThread;
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
            return true;
        }
        if (s == State.CONNECTED) {
            return onPostHandshakeRecord(record, offset, length);
        }
        return drop();
    }

    private boolean onPostHandshakeRecord(final ByteBuffer record, final int offset, final int length) {
        counters.postHandshakeRecords.incrementAndGet();
        if (role != Role.SERVER || length < 1 || finalFlightResends >= config.maxFinalFlightResends()) {
            return false;
        }
        final int contentType = record.get(offset) & 0xFF;
        if (contentType != CONTENT_HANDSHAKE && contentType != CONTENT_CHANGE_CIPHER_SPEC) {
            return false;
        }
        finalFlightResends++;
        counters.finalFlightResends.incrementAndGet();
        for (int i = 0; i < finalFlightCount; i++) {
            outbound.send(finalFlight[i], 0, finalFlightLengths[i]);
        }
        return true;
    }

    private boolean drop() {
        counters.droppedRecords.incrementAndGet();
        droppedRecords++;
        return false;
    }

    /**
     * Ends the session: a handshake in progress is abandoned (its thread is woken and freed, nothing more is sent,
     * the listener is not called), later records are dropped. Idempotent; any thread.
     */
    @Override
    public void close() {
        final State previous = (State) STATE.getAndSet(this, State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        final Thread t = handshakeThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void runHandshake() {
        handshakeThread = Thread.currentThread();
        counters.started.incrementAndGet();
        try {
            if (state != State.HANDSHAKING) {
                return;
            }
            final BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
            final Transport transport = new Transport();
            if (role == Role.CLIENT) {
                new DTLSClientProtocol().connect(new DtlsSrtpClient(crypto, this), transport);
            } else {
                new DTLSServerProtocol().accept(new DtlsSrtpServer(crypto, this), transport);
            }
            connected();
        } catch (final TlsFatalAlertReceived e) {
            failed("alert received: " + AlertDescription.getText(e.getAlertDescription()));
        } catch (final TlsFatalAlert e) {
            failed(fingerprintMismatch ? "fingerprint mismatch: the peer's certificate is not " + remoteFingerprint
                : "alert sent: " + AlertDescription.getText(e.getAlertDescription())
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } catch (final TlsTimeoutException e) {
            if (state != State.CLOSED) {
                counters.timeouts.incrementAndGet();
            }
            failed("timeout: no DTLS handshake within " + config.handshakeTimeoutMs() + " ms");
        } catch (final InterruptedIOException e) {
            failed("interrupted: the handshake executor was closed");
        } catch (final IOException e) {
            failed(state == State.CLOSED ? "closed" : "error: " + e);
        } catch (final RuntimeException e) {
            if (state == State.CONNECTED) {
                throw e; // the listener's own exception: not a handshake failure; the pool thread reports it
            }
            failed(state == State.CLOSED ? "closed" : "error: " + e);
        } finally {
            handshakeThread = null;
            received = null;
            free = null;
        }
    }

    private void connected() {
        final UseSrtpProfile p = profile;
        final byte[] km = exported;
        if (p == null || km == null || km.length != p.keyingMaterialLength()) {
            failed("error: no keying material exported");
            return;
        }
        // RFC 5764 §4.2: client_write_SRTP_master_key | server_write_SRTP_master_key | client_write_SRTP_master_salt
        // | server_write_SRTP_master_salt.
        final SrtpProfile srtp = p.srtpProfile();
        final int keyLength = srtp.masterKeyLength();
        final int saltLength = srtp.masterSaltLength();
        final SrtpPolicy client = SrtpPolicy.of(srtp, Arrays.copyOfRange(km, 0, keyLength),
            Arrays.copyOfRange(km, 2 * keyLength, 2 * keyLength + saltLength));
        final SrtpPolicy server = SrtpPolicy.of(srtp, Arrays.copyOfRange(km, keyLength, 2 * keyLength),
            Arrays.copyOfRange(km, 2 * keyLength + saltLength, 2 * keyLength + 2 * saltLength));
        Arrays.fill(km, (byte) 0);
        exported = null;
        handshakeNs = System.nanoTime() - startNs;
        if (!STATE.compareAndSet(this, State.HANDSHAKING, State.CONNECTED)) {
            return;
        }
        counters.completed.incrementAndGet();
        if (role == Role.CLIENT) {
            listener.onConnected(srtp, client, server);
        } else {
            listener.onConnected(srtp, server, client);
        }
    }

    private void failed(final String reason) {
        counters.failed.incrementAndGet();
        if (fingerprintMismatch) {
            counters.fingerprintMismatches.incrementAndGet();
        }
        fail(reason);
    }

    private void fail(final String reason) {
        failureReason = reason;
        if (STATE.compareAndSet(this, State.HANDSHAKING, State.FAILED)) {
            listener.onFailed(reason);
        }
    }

    // Called by DtlsSrtpClient / DtlsSrtpServer on the handshake thread.

    DtlsSrtpConfig config() {
        return config;
    }

    DtlsCertificate certificate() {
        return certificate;
    }

    /**
     * Checks the peer's certificate against the SDP fingerprint (RFC 5763 §5).
     *
     * @throws TlsFatalAlert bad_certificate if it does not match, handshake_failure if there is none.
     */
    void verifyPeer(final Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            fingerprintMismatch = true;
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the peer sent no certificate");
        }
        final byte[] der = chain.getCertificateAt(0).getEncoded();
        peerFingerprint = DtlsFingerprint.of(remoteFingerprint.hash(), der);
        if (!remoteFingerprint.matches(der)) {
            fingerprintMismatch = true;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "certificate fingerprint mismatch");
        }
    }

    void onProfileSelected(final UseSrtpProfile selected) {
        profile = selected;
    }

    void onHandshakeComplete(final TlsContext context) {
        final UseSrtpProfile p = profile;
        if (p != null) {
            exported = context.exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, p.keyingMaterialLength());
        }
    }

    /** @return the role. */
    public Role role() {
        return role;
    }

    /** @return where the session is (a volatile read). */
    public State state() {
        return state;
    }

    /** @return the negotiated profile once known (the server's choice), else null. */
    public UseSrtpProfile profile() {
        return profile;
    }

    /** @return the SRTP suite of the negotiated profile, else null. */
    public SrtpProfile srtpProfile() {
        final UseSrtpProfile p = profile;
        return p == null ? null : p.srtpProfile();
    }

    /**
     * @return the fingerprint of the certificate the peer presented, by the SDP fingerprint's hash (for query
     *         output; also when it did not match), or null before the peer sent one.
     */
    public DtlsFingerprint peerFingerprint() {
        return peerFingerprint;
    }

    /** @return the fingerprint the SDP said the peer has. */
    public DtlsFingerprint remoteFingerprint() {
        return remoteFingerprint;
    }

    /** @return why the session failed, or null. */
    public String failureReason() {
        return failureReason;
    }

    /** @return the time from {@link #start()} to the keys, in nanoseconds, once CONNECTED; else 0. */
    public long handshakeNs() {
        return handshakeNs;
    }

    /** @return records waiting for the handshake thread (tests and fuzzing). */
    int queuedRecords() {
        final OneToOneConcurrentArrayQueue<Slot> queue = received;
        return queue == null ? 0 : queue.size();
    }

    /** @return the records this session dropped. */
    public long droppedRecords() {
        return droppedRecords;
    }

    @Override
    public String toString() {
        return "DtlsSrtpSession[" + role + " " + state + (profile == null ? "" : " " + profile)
            + (failureReason == null ? "" : " " + failureReason) + "]";
    }

    /**
     * Bouncy Castle's view of the stream: receive takes the event loop's records from the queue, waiting up to
     * what BC asks (its retransmission timer) but never past the handshake deadline; send goes to {@link Outbound}.
     * The handshake thread's.
     */
    private final class Transport implements DatagramTransport {
        private final long deadlineNs = startNs
            + TimeUnit.MILLISECONDS.toNanos(config.handshakeTimeoutMs() + EXTRA_TIMEOUT_MS);

        @Override
        public int getReceiveLimit() {
            return config.maxRecordLength();
        }

        @Override
        public int getSendLimit() {
            return config.mtu();
        }

        @Override
        public int receive(final byte[] buf, final int off, final int len, final int waitMillis) throws IOException {
            final long now = System.nanoTime();
            final long until = Math.min(now + TimeUnit.MILLISECONDS.toNanos(Math.max(waitMillis, 0)), deadlineNs);
            final OneToOneConcurrentArrayQueue<Slot> queue = received;
            final OneToOneConcurrentArrayQueue<Slot> slots = free;
            while (true) {
                if (state != State.HANDSHAKING) {
                    throw new IOException("closed");
                }
                final Slot slot = queue.poll();
                if (slot != null) {
                    final int n = Math.min(slot.length, len);
                    System.arraycopy(slot.data, 0, buf, off, n);
                    slots.offer(slot);
                    receivedSinceSend = true;
                    return n;
                }
                final long remaining = until - System.nanoTime();
                if (remaining <= 0) {
                    if (until == deadlineNs) {
                        throw new TlsTimeoutException("no DTLS handshake within the timeout");
                    }
                    return -1;
                }
                if (queue.isEmpty() && state == State.HANDSHAKING) {
                    LockSupport.parkNanos(this, remaining);
                    if (Thread.interrupted()) {
                        // the executor is closing: end the handshake rather than spin in parkNanos
                        throw new InterruptedIOException("handshake executor closed");
                    }
                }
            }
        }

        @Override
        public void send(final byte[] buf, final int off, final int len) {
            if (state != State.HANDSHAKING) {
                return;
            }
            if (role == Role.SERVER) {
                keepForFinalFlight(buf, off, len);
            }
            outbound.send(buf, off, len);
        }

        private void keepForFinalFlight(final byte[] buf, final int off, final int len) {
            if (receivedSinceSend) {
                receivedSinceSend = false;
                finalFlightCount = 0;
            }
            if (finalFlightCount < MAX_FINAL_FLIGHT_DATAGRAMS) {
                byte[] copy = finalFlight[finalFlightCount];
                if (copy == null || copy.length < len) {
                    copy = new byte[Math.max(len, config.mtu())];
                    finalFlight[finalFlightCount] = copy;
                }
                System.arraycopy(buf, off, copy, 0, len);
                finalFlightLengths[finalFlightCount] = len;
                finalFlightCount++;
            }
        }

        @Override
        public void close() {
            // The session's lifetime is close() of the session, not of BC's transport.
        }
    }
}
