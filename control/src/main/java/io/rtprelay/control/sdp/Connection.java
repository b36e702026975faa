package io.rtprelay.control.sdp;

/**
 * A {@code c=} line (RFC 8866 §5.7): where media is to be sent.
 *
 * @param netType  {@code IN}.
 * @param addrType {@code IP4} or {@code IP6}.
 * @param address  the address without any {@code /ttl} or {@code /count} suffix.
 */
public record Connection(String netType, String addrType, String address) {
    /** @return true for {@code IP6}. */
    public boolean ipv6() {
        return "IP6".equals(addrType);
    }

    /**
     * @return true for the unspecified address ({@code 0.0.0.0} or {@code ::}), with which old endpoints put a call
     *     on hold (RFC 3264 §8.4).
     */
    public boolean isUnspecified() {
        return "0.0.0.0".equals(address) || "::".equals(address);
    }
}
