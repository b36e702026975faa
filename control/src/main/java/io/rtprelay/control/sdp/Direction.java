package io.rtprelay.control.sdp;

/**
 * The media direction attributes of RFC 8866 §6.7; {@link #SENDRECV} when none is given.
 */
public enum Direction {
    /** {@code a=sendrecv}. */
    SENDRECV("sendrecv"),
    /** {@code a=sendonly}. */
    SENDONLY("sendonly"),
    /** {@code a=recvonly}. */
    RECVONLY("recvonly"),
    /** {@code a=inactive}. */
    INACTIVE("inactive");

    private final String attribute;

    Direction(final String attribute) {
        this.attribute = attribute;
    }

    /** @return the attribute name as written in SDP. */
    public String attribute() {
        return attribute;
    }

    /**
     * @param attributeName an attribute name.
     * @return the direction it names, or null when it is not a direction attribute.
     */
    public static Direction ofAttribute(final String attributeName) {
        return switch (attributeName) {
            case "sendrecv" -> SENDRECV;
            case "sendonly" -> SENDONLY;
            case "recvonly" -> RECVONLY;
            case "inactive" -> INACTIVE;
            default -> null;
        };
    }

    /** @return what is left of this direction when the sender's address is 0.0.0.0 (a hold of the old style). */
    public Direction withoutReceiving() {
        return switch (this) {
            case SENDRECV, SENDONLY -> SENDONLY;
            case RECVONLY, INACTIVE -> INACTIVE;
        };
    }
}
