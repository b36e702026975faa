package io.rtprelay.control.sdp;

/**
 * The {@code o=} line (RFC 8866 §5.2). Session id and version are kept as text: they are opaque to the relay, and
 * some senders put numbers there that do not fit a long.
 *
 * @param username       {@code <username>}, {@code -} when none.
 * @param sessionId      {@code <sess-id>}.
 * @param sessionVersion {@code <sess-version>}.
 * @param netType        {@code IN}.
 * @param addrType       {@code IP4} or {@code IP6}.
 * @param address        {@code <unicast-address>}.
 */
public record Origin(String username, String sessionId, String sessionVersion, String netType, String addrType,
                     String address) {
    /** @return the line value, as it appears after {@code o=}. */
    public String toValue() {
        return username + ' ' + sessionId + ' ' + sessionVersion + ' ' + netType + ' ' + addrType + ' ' + address;
    }
}
