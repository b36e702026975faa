package io.rtprelay.control.sdp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses SDP (RFC 8866) into a {@link SessionDescription}, keeping every line. Accepts CRLF and bare LF line ends and
 * skips empty lines. Checks what the relay relies on -- {@code v=0} first, an {@code o=} line, well-formed {@code c=},
 * {@code m=} and {@code a=rtcp} lines, a connection for every stream that is not rejected -- and names the offending
 * line in the {@link SdpException}. Stateless; any thread.
 */
public final class SdpParser {
    private static final int MAX_PORT = 65_535;

    private SdpParser() {
    }

    /**
     * @param sdp the SDP text.
     * @return the parsed description.
     * @throws SdpException when the SDP is broken; the message says which line and why.
     */
    public static SessionDescription parse(final String sdp) throws SdpException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpException("empty SDP");
        }
        final List<SdpLine> sessionLines = new ArrayList<>();
        final List<MediaDescription> media = new ArrayList<>();
        Origin origin = null;
        Connection sessionConnection = null;
        Direction sessionDirection = null;
        boolean sessionIce = false;
        MediaBuilder current = null;
        int lineNo = 0;
        int start = 0;
        final int length = sdp.length();
        while (start < length) {
            int end = sdp.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            final int next = end + 1;
            if (end > start && sdp.charAt(end - 1) == '\r') {
                end--;
            }
            lineNo++;
            final String text = sdp.substring(start, end);
            start = next;
            if (text.isEmpty()) {
                continue;
            }
            final SdpLine line = line(text, lineNo);
            if (sessionLines.isEmpty()) {
                if (line.type() != 'v' || !"0".equals(line.value())) {
                    throw new SdpException("line " + lineNo + ": SDP must start with v=0, found '" + text + "'");
                }
                sessionLines.add(line);
                continue;
            }
            if (line.type() == 'm') {
                if (current != null) {
                    media.add(current.build());
                } else if (origin == null) {
                    throw new SdpException("no o= line before the first m= line");
                }
                final var context = new MediaDescription.SessionContext(sessionConnection, sessionDirection,
                    sessionIce);
                current = new MediaBuilder(media.size(), line.value(), lineNo, context);
                continue;
            }
            if (current != null) {
                current.add(line, lineNo);
                continue;
            }
            sessionLines.add(line);
            switch (line.type()) {
                case 'o' -> origin = origin(line.value(), lineNo);
                case 'c' -> sessionConnection = connection(line.value(), lineNo);
                case 'a' -> {
                    final String name = line.attributeName();
                    final Direction d = Direction.ofAttribute(line.value());
                    if (d != null) {
                        sessionDirection = d;
                    } else if ("ice-ufrag".equals(name)) {
                        sessionIce = true;
                    }
                }
                default -> {
                    // passed through as it is
                }
            }
        }
        if (origin == null) {
            throw new SdpException("no o= line");
        }
        if (current != null) {
            media.add(current.build());
        }
        return new SessionDescription(sessionLines, origin, sessionConnection, media);
    }

    private static SdpLine line(final String text, final int lineNo) throws SdpException {
        if (text.length() < 2 || text.charAt(1) != '=' || text.charAt(0) < 'a' || text.charAt(0) > 'z') {
            throw new SdpException("line " + lineNo + ": not a <type>=<value> line: '" + text + "'");
        }
        return new SdpLine(text.charAt(0), text.substring(2));
    }

    private static Origin origin(final String value, final int lineNo) throws SdpException {
        final String[] f = value.split(" ", -1);
        if (f.length != 6) {
            throw new SdpException("line " + lineNo + ": o= needs 6 fields "
                + "(username sess-id sess-version nettype addrtype address), found " + f.length + ": '" + value + "'");
        }
        for (final String field : f) {
            if (field.isEmpty()) {
                throw new SdpException("line " + lineNo + ": o= has an empty field: '" + value + "'");
            }
        }
        return new Origin(f[0], f[1], f[2], f[3], f[4], f[5]);
    }

    private static Connection connection(final String value, final int lineNo) throws SdpException {
        final String[] f = value.split(" ", -1);
        if (f.length != 3) {
            throw new SdpException("line " + lineNo + ": c= needs 3 fields (nettype addrtype address), found "
                + f.length + ": '" + value + "'");
        }
        return connection(f[0], f[1], f[2], "c=", lineNo);
    }

    private static Connection connection(final String netType, final String addrType, final String addressField,
                                         final String what, final int lineNo) throws SdpException {
        if (!"IN".equals(netType)) {
            throw new SdpException("line " + lineNo + ": " + what + " network type must be IN, found '" + netType
                + "'");
        }
        final int slash = addressField.indexOf('/');
        final String address = slash < 0 ? addressField : addressField.substring(0, slash);
        final boolean ipv6;
        switch (addrType) {
            case "IP4" -> ipv6 = false;
            case "IP6" -> ipv6 = true;
            default -> throw new SdpException("line " + lineNo + ": " + what
                + " address type must be IP4 or IP6, found '" + addrType + "'");
        }
        try {
            InetAddress.ofLiteral(address);
        } catch (final IllegalArgumentException e) {
            throw new SdpException("line " + lineNo + ": " + what + " address '" + address + "' is not an "
                + addrType + " address");
        }
        if (ipv6 != (address.indexOf(':') >= 0)) {
            throw new SdpException("line " + lineNo + ": " + what + " address '" + address + "' is not an "
                + addrType + " address");
        }
        return new Connection(netType, addrType, address);
    }

    private static int port(final String text, final String what, final int lineNo) throws SdpException {
        if (text.isEmpty() || text.length() > 5) {
            throw new SdpException("line " + lineNo + ": " + what + " port '" + text + "' is not a number 0-65535");
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new SdpException("line " + lineNo + ": " + what + " port '" + text
                    + "' is not a number 0-65535");
            }
            port = port * 10 + (c - '0');
        }
        if (port > MAX_PORT) {
            throw new SdpException("line " + lineNo + ": " + what + " port " + port + " is above 65535");
        }
        return port;
    }

    /** Collects one media section while its lines arrive. */
    private static final class MediaBuilder {
        private final int index;
        private final String mLine;
        private final int mLineNo;
        private final MediaDescription.SessionContext session;
        private final String mediaType;
        private final int port;
        private final int portCount;
        private final String protocol;
        private final List<String> formats;
        private final List<SdpLine> lines = new ArrayList<>();
        private Connection connection;
        private int rtcpPort = -1;
        private Connection rtcpConnection;

        MediaBuilder(final int index, final String value, final int lineNo,
                     final MediaDescription.SessionContext session) throws SdpException {
            this.index = index;
            this.mLine = value;
            this.mLineNo = lineNo;
            this.session = session;
            final String[] f = value.split(" ", -1);
            if (f.length < 4) {
                throw new SdpException("line " + lineNo + ": m= needs <media> <port> <proto> <fmt> ..., found '"
                    + value + "'");
            }
            for (final String field : f) {
                if (field.isEmpty()) {
                    throw new SdpException("line " + lineNo + ": m= has an empty field (double space?): '" + value
                        + "'");
                }
            }
            this.mediaType = f[0];
            final int slash = f[1].indexOf('/');
            if (slash < 0) {
                this.port = port(f[1], "m=", lineNo);
                this.portCount = 1;
            } else {
                this.port = port(f[1].substring(0, slash), "m=", lineNo);
                final int count = port(f[1].substring(slash + 1), "m= port count of", lineNo);
                if (count < 1) {
                    throw new SdpException("line " + lineNo + ": m= port count must be at least 1: '" + value + "'");
                }
                this.portCount = count;
            }
            this.protocol = f[2];
            this.formats = List.of(f).subList(3, f.length);
        }

        void add(final SdpLine line, final int lineNo) throws SdpException {
            lines.add(line);
            if (line.type() == 'c') {
                connection = connection(line.value(), lineNo);
            } else if (line.isAttribute("rtcp")) {
                rtcp(line.attributeValue(), lineNo);
            }
        }

        private void rtcp(final String value, final int lineNo) throws SdpException {
            if (value == null) {
                throw new SdpException("line " + lineNo + ": a=rtcp needs a port");
            }
            final String[] f = value.split(" ", -1);
            if (f.length != 1 && f.length != 4) {
                throw new SdpException("line " + lineNo + ": a=rtcp must be <port> [IN IP4|IP6 <address>], found '"
                    + value + "'");
            }
            rtcpPort = port(f[0], "a=rtcp", lineNo);
            if (f.length == 4) {
                rtcpConnection = connection(f[1], f[2], f[3], "a=rtcp", lineNo);
            }
        }

        MediaDescription build() throws SdpException {
            if (port != 0 && connection == null && session.connection() == null) {
                throw new SdpException("line " + mLineNo + ": m=" + mediaType + " has no c= line and the session"
                    + " has none");
            }
            return new MediaDescription(index, mLine, mediaType, port, portCount, protocol, formats, lines,
                connection, session, rtcpPort, rtcpConnection);
        }
    }
}
