package io.rtprelay.control.sdp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One media section: an {@code m=} line and the lines after it up to the next {@code m=} (RFC 8866 §5.14), with
 * what the relay needs read out of it. Every line is kept in order so that the rewriter can pass unknown ones on.
 * Immutable; built by {@link SdpParser}.
 */
public final class MediaDescription {
    private final int index;
    private final String mLine;
    private final String mediaType;
    private final int port;
    private final int portCount;
    private final String protocol;
    private final List<String> formats;
    private final List<SdpLine> lines;
    private final Connection mediaConnection;
    private final Connection sessionConnection;
    private final Direction sessionDirection;
    private final boolean sessionIce;
    private final int rtcpPort;
    private final Connection rtcpConnection;

    MediaDescription(final int index, final String mLine, final String mediaType, final int port, final int portCount,
                     final String protocol, final List<String> formats, final List<SdpLine> lines,
                     final Connection mediaConnection, final SessionContext session, final int rtcpPort,
                     final Connection rtcpConnection) {
        this.index = index;
        this.mLine = mLine;
        this.mediaType = mediaType;
        this.port = port;
        this.portCount = portCount;
        this.protocol = protocol;
        this.formats = List.copyOf(formats);
        this.lines = List.copyOf(lines);
        this.mediaConnection = mediaConnection;
        this.sessionConnection = session.connection();
        this.sessionDirection = session.direction();
        this.sessionIce = session.ice();
        this.rtcpPort = rtcpPort;
        this.rtcpConnection = rtcpConnection;
    }

    /** What a media section inherits from the session level. */
    record SessionContext(Connection connection, Direction direction, boolean ice) {
    }

    /** @return the {@code m=} line's value as the sender wrote it. */
    public String mLine() {
        return mLine;
    }

    /**
     * @return true for media rtpengine hands on untouched instead of relaying: MSRP over TCP or TLS (RFC 4975,
     *     {@code TCP/MSRP}, {@code TCP/TLS/MSRP}). Other TCP media (BFCP, T.38 over TCP) it relays as UDP.
     */
    public boolean isPassthrough() {
        return protocol.endsWith("/MSRP");
    }

    /** @return the position of this section among the session's {@code m=} lines, from 0. */
    public int index() {
        return index;
    }

    /** @return {@code audio}, {@code video}, {@code image}, ... */
    public String mediaType() {
        return mediaType;
    }

    /** @return the RTP port; 0 means the stream is rejected or disabled (RFC 3264 §6). */
    public int port() {
        return port;
    }

    /** @return the {@code /<number of ports>} of the m= line, 1 when absent. */
    public int portCount() {
        return portCount;
    }

    /** @return the transport protocol, e.g. {@code RTP/AVP}. */
    public String protocol() {
        return protocol;
    }

    /** @return the formats (payload types for RTP) in their order of preference. */
    public List<String> formats() {
        return formats;
    }

    /** @return every line after the {@code m=} line, in order. */
    public List<SdpLine> lines() {
        return lines;
    }

    /** @return the {@code a=} lines of this section, in order. */
    public List<SdpLine> attributes() {
        final List<SdpLine> attributes = new ArrayList<>(lines.size());
        for (final SdpLine line : lines) {
            if (line.isAttribute()) {
                attributes.add(line);
            }
        }
        return attributes;
    }

    /**
     * @param name an attribute name.
     * @return the value of its first occurrence in this section ({@code ""} for a property attribute), or null.
     */
    public String attribute(final String name) {
        for (final SdpLine line : lines) {
            if (line.isAttribute(name)) {
                final String value = line.attributeValue();
                return value == null ? "" : value;
            }
        }
        return null;
    }

    /**
     * @param name an attribute name.
     * @return true when the section carries it.
     */
    public boolean hasAttribute(final String name) {
        return attribute(name) != null;
    }

    /** @return the section's own {@code c=}, or null when it inherits the session's. */
    public Connection mediaConnection() {
        return mediaConnection;
    }

    /** @return the connection in force: the section's own, else the session's; null only for a rejected stream. */
    public Connection connection() {
        return mediaConnection != null ? mediaConnection : sessionConnection;
    }

    /** @return where the sender wants RTP; address 0.0.0.0 (hold) or port 0 (rejected) are possible. */
    public InetSocketAddress remoteRtp() {
        return socketAddress(connection(), port);
    }

    /** @return where the sender wants RTCP: {@code a=rtcp} (RFC 3605) when given, else the RTP port + 1. */
    public InetSocketAddress remoteRtcp() {
        if (rtcpPort < 0) {
            return socketAddress(connection(), port == 0 ? 0 : port + 1);
        }
        return socketAddress(rtcpConnection != null ? rtcpConnection : connection(), rtcpPort);
    }

    /** @return the port of {@code a=rtcp}, or -1 when the section has none. */
    public int rtcpAttributePort() {
        return rtcpPort;
    }

    /** @return true when the sender offers or accepts RTP and RTCP on one port ({@code a=rtcp-mux}, RFC 5761). */
    public boolean rtcpMux() {
        return hasAttribute("rtcp-mux");
    }

    /** @return the section's direction attribute, else the session's, else {@link Direction#SENDRECV}. */
    public Direction direction() {
        Direction own = null;
        for (final SdpLine line : lines) {
            if (line.isAttribute()) {
                final Direction d = Direction.ofAttribute(line.value());
                if (d != null) {
                    own = d;
                }
            }
        }
        if (own != null) {
            return own;
        }
        return sessionDirection != null ? sessionDirection : Direction.SENDRECV;
    }

    /** @return true when the sender speaks ICE here: candidates or credentials in this section or the session. */
    public boolean hasIce() {
        return sessionIce || hasAttribute("candidate") || hasAttribute("ice-ufrag");
    }

    /** @return the {@code a=mid} identification tag (RFC 5888), or null. */
    public String mid() {
        return attribute("mid");
    }

    /** @return the {@code a=ptime} value as written, or null. */
    public String ptime() {
        return attribute("ptime");
    }

    /**
     * @return true when the section is on hold the old way, its connection address 0.0.0.0 or {@code ::}; not when
     *     the section trickles ICE (its own {@code ice-ufrag} and {@code ice-options:trickle}): there 0.0.0.0 and port
     *     9 are the placeholder a browser writes before its candidates arrive (RFC 8840 §4.1.1), which rtpengine 10.5
     *     does not take for hold either (a session-level {@code ice-options} does not count, as with rtpengine).
     */
    public boolean isHeldByAddress() {
        final Connection c = connection();
        return c != null && c.isUnspecified() && !tricklesIce();
    }

    /** @return true when this section says {@code ice-options:trickle} and has its own {@code ice-ufrag}. */
    public boolean tricklesIce() {
        final String iceOptions = attribute("ice-options");
        return iceOptions != null && iceOptions.contains("trickle") && hasAttribute("ice-ufrag");
    }

    private static InetSocketAddress socketAddress(final Connection connection, final int port) {
        if (connection == null) {
            return new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), port);
        }
        return new InetSocketAddress(InetAddress.ofLiteral(connection.address()), port);
    }

    @Override
    public String toString() {
        return "m=" + mLine;
    }
}
