package io.rtprelay.control.sdp;

/**
 * One {@code <type>=<value>} line of an SDP (RFC 8866 §5), kept as received so that lines the relay does not
 * understand pass through unchanged. Immutable.
 *
 * @param type  the one-letter type, e.g. {@code 'a'}.
 * @param value everything after the {@code =}, without the line end.
 */
public record SdpLine(char type, String value) {
    /** @return true for an {@code a=} line. */
    public boolean isAttribute() {
        return type == 'a';
    }

    /** @return the attribute name ({@code rtpmap} of {@code a=rtpmap:0 PCMU/8000}); only for {@code a=} lines. */
    public String attributeName() {
        final int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** @return the value after the first colon, or null for a property attribute such as {@code a=rtcp-mux}. */
    public String attributeValue() {
        final int colon = value.indexOf(':');
        return colon < 0 ? null : value.substring(colon + 1);
    }

    /**
     * @param name an attribute name.
     * @return true when this is an {@code a=} line with exactly that name.
     */
    public boolean isAttribute(final String name) {
        if (type != 'a' || !value.startsWith(name)) {
            return false;
        }
        return value.length() == name.length() || value.charAt(name.length()) == ':';
    }

    @Override
    public String toString() {
        return type + "=" + value;
    }
}
