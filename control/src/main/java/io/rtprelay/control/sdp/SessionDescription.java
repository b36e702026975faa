package io.rtprelay.control.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed SDP (RFC 8866): the session-level lines in order, the origin, the session-level connection and the media
 * sections. Nothing is dropped, so a rewrite can pass on every line it does not change. Immutable; built by
 * {@link SdpParser} on the control thread, safe to share.
 */
public final class SessionDescription {
    private final List<SdpLine> sessionLines;
    private final Origin origin;
    private final Connection connection;
    private final List<MediaDescription> media;

    SessionDescription(final List<SdpLine> sessionLines, final Origin origin, final Connection connection,
                       final List<MediaDescription> media) {
        this.sessionLines = List.copyOf(sessionLines);
        this.origin = origin;
        this.connection = connection;
        this.media = List.copyOf(media);
    }

    /** @return the lines before the first {@code m=}, {@code v=} included, in order. */
    public List<SdpLine> sessionLines() {
        return sessionLines;
    }

    /** @return the {@code o=} line. */
    public Origin origin() {
        return origin;
    }

    /** @return the session-level {@code c=}, or null when every media section has its own. */
    public Connection connection() {
        return connection;
    }

    /** @return the session-level {@code a=} lines, in order. */
    public List<SdpLine> attributes() {
        final List<SdpLine> attributes = new ArrayList<>();
        for (final SdpLine line : sessionLines) {
            if (line.isAttribute()) {
                attributes.add(line);
            }
        }
        return attributes;
    }

    /**
     * @param name an attribute name.
     * @return true when the session level carries it.
     */
    public boolean hasAttribute(final String name) {
        for (final SdpLine line : sessionLines) {
            if (line.isAttribute(name)) {
                return true;
            }
        }
        return false;
    }

    /** @return the media sections in order. */
    public List<MediaDescription> media() {
        return media;
    }

    /** @return the SDP text again, lines ended by CRLF. */
    @Override
    public String toString() {
        final StringBuilder out = new StringBuilder(512);
        for (final SdpLine line : sessionLines) {
            out.append(line.type()).append('=').append(line.value()).append("\r\n");
        }
        for (final MediaDescription m : media) {
            out.append(m).append("\r\n");
            for (final SdpLine line : m.lines()) {
                out.append(line.type()).append('=').append(line.value()).append("\r\n");
            }
        }
        return out.toString();
    }
}
