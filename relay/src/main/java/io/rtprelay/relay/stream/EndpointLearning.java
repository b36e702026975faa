package io.rtprelay.relay.stream;

/**
 * When a stream commits to the endpoint it learns from received packets: rtpengine's {@code endpoint-learning}
 * option, observed on rtpengine 10.5 and matched here, with one deliberate difference (safer) in the learning
 * window, described at {@link #DELAYED}.
 *
 * <p>The learning window opens at every signal of the call (offer, answer: {@link StreamProxy#signal}) and lasts
 * {@link Stream#LEARNING_WINDOW_NS} (3 s, rtpengine's). While it is open the stream is not committed; the first
 * packet after it commits the stream to its learned endpoint. What happens afterwards to a packet from another
 * source depends on the stream's {@link LatchMode}.
 *
 * <p>Sources are ranked against the SDP endpoint: 0 = the SDP address and port, 1 = the SDP address, 2 = the SDP
 * port, 3 = anything else (also when the SDP gave no endpoint).
 */
public enum EndpointLearning {
    /**
     * rtpengine's default: learn during the window, commit after it. Within the window rtpengine moves the endpoint
     * to every new source (a third party that sends one packet there takes the call's audio until the party sends
     * again); we move it only to a source ranked at least as well as the learned one, so a party that sends from
     * its SDP address cannot be displaced, and a NATed party (rank 3) can be displaced only as on rtpengine. At the
     * end of the window we commit to the learned endpoint, where rtpengine commits to whatever source the first
     * packet after the window came from.
     */
    DELAYED,
    /** Commit to the source of the first packet at once, no window (rtpengine's {@code immediate}). */
    IMMEDIATE,
    /**
     * Never learn: packets go to the SDP endpoint; {@code strict-source} compares sources with it (rtpengine's
     * {@code off}).
     */
    OFF,
    /**
     * rtpengine's {@code heuristic}: as {@link #DELAYED} (whose window rule is this ranking), and
     * {@code media-handover} moves the committed endpoint only to a source ranked at least as well (as rtpengine
     * 10.5 behaves).
     */
    HEURISTIC;

    /**
     * @param value the option's value as rtpengine spells it.
     * @return the algorithm.
     * @throws IllegalArgumentException for any other value.
     */
    public static EndpointLearning of(final String value) {
        return switch (value) {
            case "delayed" -> DELAYED;
            case "immediate" -> IMMEDIATE;
            case "off" -> OFF;
            case "heuristic" -> HEURISTIC;
            default -> throw new IllegalArgumentException(
                "endpoint-learning must be delayed, immediate, off or heuristic, not '" + value + "'");
        };
    }
}
