package io.rtprelay.srtp;

/**
 * The outcomes of {@link SrtpContext}'s protect and unprotect calls: a call returns the packet's new length
 * ({@code >= 0}) on success, or one of these negative codes. Media never throws: every failure is a code, counted by
 * the context ({@link SrtpContext#failures(int)}) and by the caller as a drop. Stateless; any thread.
 */
public final class SrtpStatus {
    /** Shorter than the smallest packet of its kind plus its tag (and SRTCP trailer). */
    public static final int TOO_SHORT = -1;
    /** Not RTP/RTCP version 2, or the RTP header (CSRCs, extension) runs past the packet. */
    public static final int BAD_HEADER = -2;
    /** The authentication tag (HMAC-SHA1 or GCM) does not verify: tampered, truncated or wrongly keyed. */
    public static final int AUTH_FAILED = -3;
    /** The packet index was seen before or is behind the replay window (RFC 3711 §3.3.2). */
    public static final int REPLAYED = -4;
    /** The buffer's limit leaves no room for the tag (and SRTCP trailer) protect appends. */
    public static final int NO_ROOM = -5;
    /** A new SSRC arrived while the context already tracks its maximum number of SSRCs (overflow counted). */
    public static final int SSRC_LIMIT = -6;
    /** The key may not be used any more: 2^48 SRTP or 2^31 SRTCP packets (RFC 3711 §9.2). */
    public static final int KEY_EXPIRED = -7;
    /** Offset or length outside the buffer, or a read-only buffer: a caller's bug, reported not thrown. */
    public static final int BAD_ARGUMENT = -8;
    /**
     * The packet's MKI is not the one of the context's master key (RFC 3711 §3.3 step 1: the MKI selects the master
     * key, and this context has no other).
     */
    public static final int BAD_MKI = -9;

    /** One more than the largest {@code -code}: the size of an array indexed by {@code -code}. */
    public static final int CODES = 10;

    private static final String[] NAMES = {
        "OK", "TOO_SHORT", "BAD_HEADER", "AUTH_FAILED", "REPLAYED", "NO_ROOM", "SSRC_LIMIT", "KEY_EXPIRED",
        "BAD_ARGUMENT", "BAD_MKI",
    };

    private SrtpStatus() {
    }

    /**
     * @param status a value returned by protect or unprotect.
     * @return the constant's name, {@code OK} for any length, {@code UNKNOWN} for anything else.
     */
    public static String name(final int status) {
        if (status >= 0) {
            return NAMES[0];
        }
        return -status < CODES ? NAMES[-status] : "UNKNOWN";
    }

    /**
     * @param status a value returned by protect or unprotect.
     * @return true when it is a failure code.
     */
    public static boolean isFailure(final int status) {
        return status < 0;
    }
}
