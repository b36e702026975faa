package io.rtprelay.srtp.dtls;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The DTLS-SRTP counters of one {@link DtlsHandshakeExecutor}, that is, of every session that runs on it. Several
 * threads write them (handshake threads, event loops), so each is an atomic long: incremented with an atomic add,
 * read from any thread (the relay's statistics and metrics) with a volatile read. Rare events only; no counter is
 * touched per media packet.
 */
public final class DtlsCounters {
    final AtomicLong started = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong fingerprintMismatches = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong droppedRecords = new AtomicLong();
    final AtomicLong postHandshakeRecords = new AtomicLong();
    final AtomicLong finalFlightResends = new AtomicLong();

    /** @return handshakes that took a handshake thread (not those refused). */
    public long handshakesStarted() {
        return started.get();
    }

    /** @return handshakes that completed with keys exported. */
    public long handshakesCompleted() {
        return completed.get();
    }

    /** @return handshakes that failed: alert, timeout, fingerprint mismatch, no common profile, closed midway. */
    public long handshakesFailed() {
        return failed.get();
    }

    /** @return handshakes refused because the peer's certificate did not match the SDP fingerprint (RFC 5763). */
    public long fingerprintMismatches() {
        return fingerprintMismatches.get();
    }

    /** @return handshakes that did not complete within the handshake timeout (also counted as failed). */
    public long handshakeTimeouts() {
        return timeouts.get();
    }

    /** @return handshakes refused because the executor's cap of concurrent handshakes was reached. */
    public long handshakesRefused() {
        return refused.get();
    }

    /**
     * @return DTLS records dropped on arrival: a session's queue full, a record longer than the slots, a session
     *         that failed, was refused or was closed.
     */
    public long droppedRecords() {
        return droppedRecords.get();
    }

    /** @return records that arrived after the handshake (retransmitted flights, alerts, application data). */
    public long postHandshakeRecords() {
        return postHandshakeRecords.get();
    }

    /** @return times the server's final flight was sent again for a peer that retransmitted its own. */
    public long finalFlightResends() {
        return finalFlightResends.get();
    }

    @Override
    public String toString() {
        return "DtlsCounters[started=" + started + ", completed=" + completed + ", failed=" + failed
            + ", fingerprintMismatches=" + fingerprintMismatches + ", timeouts=" + timeouts + ", refused=" + refused
            + ", droppedRecords=" + droppedRecords + ", postHandshakeRecords=" + postHandshakeRecords
            + ", finalFlightResends=" + finalFlightResends + "]";
    }
}
