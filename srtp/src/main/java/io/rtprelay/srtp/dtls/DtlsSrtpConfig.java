package io.rtprelay.srtp.dtls;

import java.util.List;
import java.util.Objects;

/**
 * The settings of DTLS-SRTP sessions, shared by every session of the relay. Immutable; any thread.
 *
 * @param mtu                   the largest datagram a session sends, rtpengine's {@code dtls-mtu} (default 1200, at
 *                              least 576): Bouncy Castle fragments handshake messages to fit (RFC 6347 §4.2.3). It
 *                              is the UDP payload, as OpenSSL's {@code SSL_set_mtu} takes it.
 * @param handshakeTimeoutMs    the longest a handshake may take from {@link DtlsSrtpSession#start()}, retransmissions
 *                              included (Bouncy Castle's retransmission timer starts at 1 s and doubles, RFC 6347
 *                              §4.2.4.1); 30 s by default, as browsers give up after about that long.
 * @param queueDepth            the received records a session holds for its handshake thread; more are dropped and
 *                              counted. A flight of a certificate fragmented at 1200 bytes is 2-4 datagrams.
 * @param maxRecordLength       the longest datagram a session accepts (the slot size of its queue).
 * @param profiles              the {@code use_srtp} profiles, best first: what a client offers in this order, what a
 *                              server picks from (its first that the client offers).
 * @param maxFinalFlightResends how often a server session, after its handshake, sends its final flight again when
 *                              the client retransmits its own (the client missed ours, RFC 6347 §4.2.4); bounded so
 *                              that a peer cannot make it a reflector.
 */
public record DtlsSrtpConfig(int mtu, int handshakeTimeoutMs, int queueDepth, int maxRecordLength,
                             List<UseSrtpProfile> profiles, int maxFinalFlightResends) {
    /** rtpengine's default {@code dtls-mtu}. */
    public static final int DEFAULT_MTU = 1200;
    /** rtpengine's minimum {@code dtls-mtu}: the datagram every IPv4 host must take. */
    public static final int MIN_MTU = 576;
    /** The default handshake timeout. */
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
    /** The default per-session queue depth. */
    public static final int DEFAULT_QUEUE_DEPTH = 16;
    /** The default longest datagram accepted: larger than any Ethernet-sized datagram, the relay's receive size. */
    public static final int DEFAULT_MAX_RECORD_LENGTH = 2048;
    /** The default bound on final-flight resends. */
    public static final int DEFAULT_MAX_FINAL_FLIGHT_RESENDS = 8;
    /** The defaults, rtpengine's where it has one. */
    public static final DtlsSrtpConfig DEFAULT = new DtlsSrtpConfig(DEFAULT_MTU, DEFAULT_HANDSHAKE_TIMEOUT_MS,
        DEFAULT_QUEUE_DEPTH, DEFAULT_MAX_RECORD_LENGTH, UseSrtpProfile.DEFAULT_PREFERENCE,
        DEFAULT_MAX_FINAL_FLIGHT_RESENDS);

    /**
     * Checks and copies.
     *
     * @throws IllegalArgumentException for a value out of range or no profile.
     */
    public DtlsSrtpConfig {
        if (mtu < MIN_MTU || mtu > 65_507) {
            throw new IllegalArgumentException("dtls-mtu " + mtu + " outside " + MIN_MTU + "..65507");
        }
        if (handshakeTimeoutMs < 1) {
            throw new IllegalArgumentException("handshake timeout " + handshakeTimeoutMs + " ms");
        }
        if (queueDepth < 1 || queueDepth > 1024) {
            throw new IllegalArgumentException("queue depth " + queueDepth + " outside 1..1024");
        }
        if (maxRecordLength < 256 || maxRecordLength > 65_535) {
            throw new IllegalArgumentException("max record length " + maxRecordLength + " outside 256..65535");
        }
        Objects.requireNonNull(profiles, "profiles");
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("no use_srtp profile");
        }
        if (maxFinalFlightResends < 0) {
            throw new IllegalArgumentException("max final flight resends " + maxFinalFlightResends);
        }
        profiles = List.copyOf(profiles);
    }

    /**
     * @param newMtu the MTU ({@code dtls-mtu}).
     * @return these settings with that MTU.
     */
    public DtlsSrtpConfig withMtu(final int newMtu) {
        return new DtlsSrtpConfig(newMtu, handshakeTimeoutMs, queueDepth, maxRecordLength, profiles,
            maxFinalFlightResends);
    }

    /**
     * @param timeoutMs the handshake timeout.
     * @return these settings with that timeout.
     */
    public DtlsSrtpConfig withHandshakeTimeoutMs(final int timeoutMs) {
        return new DtlsSrtpConfig(mtu, timeoutMs, queueDepth, maxRecordLength, profiles, maxFinalFlightResends);
    }

    /**
     * @param newProfiles the profiles, best first.
     * @return these settings with those profiles.
     */
    public DtlsSrtpConfig withProfiles(final List<UseSrtpProfile> newProfiles) {
        return new DtlsSrtpConfig(mtu, handshakeTimeoutMs, queueDepth, maxRecordLength, newProfiles,
            maxFinalFlightResends);
    }

    /**
     * @param depth the per-session queue depth.
     * @return these settings with that depth.
     */
    public DtlsSrtpConfig withQueueDepth(final int depth) {
        return new DtlsSrtpConfig(mtu, handshakeTimeoutMs, depth, maxRecordLength, profiles, maxFinalFlightResends);
    }
}
