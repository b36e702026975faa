package io.rtprelay.control.ng;

/**
 * A command refused with a reason the client is told: {@link NgCommandAdapter} turns it into rtpengine's reply
 * {@code {"result": "error", "error-reason": reason}}, or for {@link #loadLimit(String)} into
 * {@code {"result": "load limit", "message": reason}} when the request said {@code "supports": ["load limit"]}
 * (rtpengine's load-limit extension; without it rtpengine replies with the plain error, and so do we).
 *
 * <p>Thrown and caught on the control thread. Expected, so it carries no stack trace.
 */
public final class NgException extends Exception {
    /** The {@code result} of an ordinary error reply. */
    public static final String ERROR = "error";
    /** The {@code result} of rtpengine's load-limit reply. */
    public static final String LOAD_LIMIT = "load limit";

    private static final long serialVersionUID = 1L;

    private final String result;
    private final String reason;

    /**
     * @param reason rtpengine's {@code error-reason}, word for word when rtpengine has one for the case.
     */
    public NgException(final String reason) {
        this(ERROR, reason);
    }

    private NgException(final String result, final String reason) {
        super(reason, null, false, false);
        this.result = result;
        this.reason = reason;
    }

    /**
     * A refusal because a limit is reached (sessions, ports, CPU, draining): Kamailio then tries its next relay.
     *
     * @param reason what rtpengine says, e.g. {@code "Parallel session limit reached"}.
     * @return the exception, result {@value #LOAD_LIMIT}.
     */
    public static NgException loadLimit(final String reason) {
        return new NgException(LOAD_LIMIT, reason);
    }

    /** @return {@value #ERROR} or {@value #LOAD_LIMIT}. */
    public String result() {
        return result;
    }

    /** @return the human-readable reason: {@code error-reason}, or {@code message} of a load-limit reply. */
    public String reason() {
        return reason;
    }

    /** @return whether this is a load-limit refusal. */
    public boolean isLoadLimit() {
        return LOAD_LIMIT.equals(result);
    }
}
