package io.rtprelay.control.lifecycle;

/**
 * Where the relay is in its life, as announced on NATS ({@code state}) and answered by readiness.
 */
public enum RelayState {
    /** Takes new calls. */
    READY("ready"),
    /** Refuses new calls with {@code load limit}, serves the live ones until they end or the drain times out. */
    DRAINING("draining"),
    /** Shutting down: announced once, last. */
    STOPPED("stopped");

    private final String wireName;

    RelayState(final String wireName) {
        this.wireName = wireName;
    }

    /** @return the name in announcements: {@code ready}, {@code draining} or {@code stopped}. */
    public String wireName() {
        return wireName;
    }
}
