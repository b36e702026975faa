package io.rtprelay.control.sdp;

import java.security.SecureRandom;
import java.util.List;

/**
 * Writes the SDP the relay hands on -- the offer towards the answerer, or the answer back towards the offerer --
 * line for line as rtpengine 10.5 writes it:
 * <ul>
 *   <li>every line the relay does not manage passes through in its place: {@code v= o= s= i= u= e= p= b= t= r= z=
 *       k=} and unknown attributes;</li>
 *   <li>media-level {@code c=} becomes the relay's address (0.0.0.0 stays, RFC 3264 §8.4 hold); the session-level
 *       {@code c=} too, but only when a section inherits it or {@code replace: [session-connection]} says so, and then
 *       with the first section's address;</li>
 *   <li>{@code m=} gets the relay's RTP port (0 stays 0) and, if asked, another transport protocol;</li>
 *   <li>attributes the relay manages are taken out wherever they were and written at the end of their section in
 *       a fixed order: {@code mid}, per format {@code rtpmap} (added for static types, RFC 3551 §6), {@code fmtp}
 *       and {@code rtcp-fb}, the direction, {@code rtcp} (RFC 3605), {@code rtcp-mux} (RFC 5761), the relay's own
 *       {@code crypto} lines (RFC 4568, {@link MediaEndpoint#crypto()}; the sender's never pass through),
 *       {@code ptime}, the relay's own ICE credentials and host candidates (RFC 8839), {@code end-of-candidates}; a
 *       rejected section keeps only {@code mid} and {@code end-of-candidates} of these;</li>
 *   <li>session-level {@code a=group:BUNDLE}, ICE attributes and direction are dropped (the direction moves into
 *       the sections).</li>
 * </ul>
 * Stateless; any thread.
 */
public final class SdpRewriter {
    private static final String CRLF = "\r\n";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ICE_CHARS =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    /** Host candidate priority (RFC 8445 §5.1.2.1): type preference 126, local preference 65535, 256 - component. */
    private static final long HOST_PRIORITY_BASE = (126L << 24) + (65_535L << 8) + 256;
    private static final int UFRAG_LENGTH = 8;
    private static final int PWD_LENGTH = 26;
    private static final int FOUNDATION_LENGTH = 16;

    private SdpRewriter() {
    }

    /**
     * @param sdp     the SDP as the sender wrote it.
     * @param local   per media section in order, what the relay advertises to the recipient.
     * @param options what the ng request's keys and flags change.
     * @return the SDP for the recipient, lines ended by CRLF.
     */
    public static String rewrite(final SessionDescription sdp, final List<MediaEndpoint> local,
                                 final RewriteOptions options) {
        final List<MediaDescription> media = sdp.media();
        if (local.size() != media.size()) {
            throw new IllegalArgumentException(local.size() + " endpoints for " + media.size() + " media sections");
        }
        final StringBuilder out = new StringBuilder(1024);
        final boolean sessionConnectionReplaced = writeSession(out, sdp, local, options);
        for (int i = 0; i < media.size(); i++) {
            final MediaDescription answered = options.answered() != null && i < options.answered().media().size()
                ? options.answered().media().get(i) : null;
            final MediaDescription previous = options.recipientLast() != null
                && i < options.recipientLast().media().size() ? options.recipientLast().media().get(i) : null;
            if (media.get(i).isPassthrough()) {
                passthrough(out, media.get(i), sessionConnectionReplaced);
            } else {
                new MediaWriter(out, media.get(i), local.get(i), options, answered != null ? answered : previous,
                    answered).write();
            }
        }
        return out.toString();
    }

    /** @return true when the session-level {@code c=} was rewritten to the relay's address. */
    private static boolean writeSession(final StringBuilder out, final SessionDescription sdp,
                                        final List<MediaEndpoint> local, final RewriteOptions options) {
        final List<MediaDescription> media = sdp.media();
        boolean inherited = false;
        for (final MediaDescription m : media) {
            inherited |= m.mediaConnection() == null;
        }
        final boolean replaceConnection = options.replaceSessionConnection() || inherited;
        final MediaEndpoint first = local.isEmpty() ? null : local.getFirst();
        for (final SdpLine line : sdp.sessionLines()) {
            switch (line.type()) {
                case 'o' -> {
                    if (options.replaceOrigin() && first != null) {
                        final Origin o = sdp.origin();
                        final Origin replaced = new Origin(o.username(), o.sessionId(), o.sessionVersion(),
                            o.netType(), first.addrType(), advertised(first, options));
                        out.append("o=").append(replaced.toValue()).append(CRLF);
                    } else {
                        append(out, line);
                    }
                }
                case 'c' -> {
                    if (replaceConnection && first != null) {
                        connection(out, first, media.getFirst().isHeldByAddress(), options);
                    } else {
                        append(out, line);
                    }
                }
                case 'a' -> {
                    if (!managedAtSession(line, options)) {
                        append(out, line);
                    }
                }
                default -> append(out, line);
            }
        }
        return replaceConnection && first != null && sdp.connection() != null;
    }

    /**
     * A section rtpengine does not relay (MSRP over TCP, RFC 4975) goes on as it came: its own port and attributes,
     * and the address it had, written into the section when it inherited a session-level {@code c=} that now names
     * the relay.
     */
    private static void passthrough(final StringBuilder out, final MediaDescription m,
                                    final boolean sessionConnectionReplaced) {
        out.append("m=").append(m.mLine()).append(CRLF);
        if (m.mediaConnection() == null && sessionConnectionReplaced && m.connection() != null) {
            final Connection c = m.connection();
            out.append("c=").append(c.netType()).append(' ').append(c.addrType()).append(' ').append(c.address())
                .append(CRLF);
        }
        for (final SdpLine line : m.lines()) {
            append(out, line);
        }
    }

    private static boolean managedAtSession(final SdpLine line, final RewriteOptions options) {
        final String name = line.attributeName();
        return switch (name) {
            case "ice-ufrag", "ice-pwd", "ice-lite", "ice-options", "fingerprint", "setup", "tls-id" -> true;
            case "group" -> line.value().startsWith("group:BUNDLE");
            default -> !options.originalSendrecv() && Direction.ofAttribute(line.value()) != null;
        };
    }

    private static String advertised(final MediaEndpoint endpoint, final RewriteOptions options) {
        return options.mediaAddress() != null ? options.mediaAddress() : endpoint.address();
    }

    private static void connection(final StringBuilder out, final MediaEndpoint endpoint, final boolean held,
                                   final RewriteOptions options) {
        final String address = held ? (endpoint.ipv6() ? "::" : "0.0.0.0") : advertised(endpoint, options);
        out.append("c=IN ").append(endpoint.addrType()).append(' ').append(address).append(CRLF);
    }

    private static void append(final StringBuilder out, final SdpLine line) {
        out.append(line.type()).append('=').append(line.value()).append(CRLF);
    }

    private static String random(final int length) {
        final char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ICE_CHARS[RANDOM.nextInt(ICE_CHARS.length)];
        }
        return new String(chars);
    }

    /**
     * A stable ICE foundation for one relay address (RFC 8445 §5.1.1.3: same type, base and server give the same
     * foundation), 16 characters like rtpengine's.
     */
    static String foundation(final String address) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < address.length(); i++) {
            h = (h ^ address.charAt(i)) * 0x100000001b3L;
        }
        final char[] chars = new char[FOUNDATION_LENGTH];
        for (int i = 0; i < FOUNDATION_LENGTH; i++) {
            chars[i] = ICE_CHARS[(int) Long.remainderUnsigned(h, ICE_CHARS.length)];
            h = Long.divideUnsigned(h, ICE_CHARS.length) ^ (h << 29) ^ i;
        }
        return new String(chars);
    }

    /** Writes one media section. */
    private static final class MediaWriter {
        private final StringBuilder out;
        private final MediaDescription m;
        private final MediaEndpoint endpoint;
        private final RewriteOptions options;
        private final MediaDescription answered;
        /** The recipient's own section: the offer it answers, or on a re-offer the section it last sent; or null. */
        private final MediaDescription recipient;
        private final boolean rtp;
        private final List<String> formats;
        private boolean endOfCandidates;

        MediaWriter(final StringBuilder out, final MediaDescription m, final MediaEndpoint endpoint,
                    final RewriteOptions options, final MediaDescription recipient,
                    final MediaDescription answered) {
            this.out = out;
            this.m = m;
            this.endpoint = endpoint;
            this.options = options;
            this.answered = answered;
            this.recipient = recipient;
            this.rtp = m.protocol().contains("RTP");
            this.formats = !rtp ? m.formats() : answered == null ? CodecSelection.offer(m, options.codecs())
                : CodecSelection.answer(m, answered.protocol().contains("RTP") ? answered : null,
                    options.answeredCodecs(), options.codecs());
        }

        void write() {
            mLine();
            for (final SdpLine line : m.lines()) {
                if (line.type() == 'c') {
                    connection(out, endpoint, m.isHeldByAddress(), options);
                } else if (!line.isAttribute() || !managed(line)) {
                    append(out, line);
                }
            }
            final String mid = m.mid() != null ? m.mid() : answered != null ? answered.mid() : null;
            if (mid != null) {
                out.append("a=mid:").append(mid).append(CRLF);
            }
            if (!endpoint.rejected()) {
                if (rtp) {
                    codecs();
                }
                if (!options.originalSendrecv()) {
                    final Direction d = m.isHeldByAddress() ? m.direction().withoutReceiving() : m.direction();
                    out.append("a=").append(d.attribute()).append(CRLF);
                }
                if (rtp) {
                    out.append("a=rtcp:").append(endpoint.rtcpPort()).append(CRLF);
                    if (rtcpMux()) {
                        out.append("a=rtcp-mux").append(CRLF);
                    }
                    for (final CryptoAttribute crypto : endpoint.crypto()) {
                        out.append("a=crypto:").append(crypto.toValue(options.sdesPad())).append(CRLF);
                    }
                    if (endpoint.dtlsSetup() != null) {
                        out.append("a=setup:").append(endpoint.dtlsSetup()).append(CRLF);
                        out.append("a=fingerprint:").append(endpoint.dtlsFingerprint()).append(CRLF);
                    }
                }
                final String ptime = ptime();
                if (ptime != null) {
                    out.append("a=ptime:").append(ptime).append(CRLF);
                }
                if (speaksIce()) {
                    ice();
                }
            }
            if (endOfCandidates) {
                out.append("a=end-of-candidates").append(CRLF);
            }
        }

        /**
         * rtpengine writes the offer's {@code ptime} key into the offer, the offer's {@code ptime-reverse} into the
         * answer; else the section's own, else the recipient's (the offer answered, or on a re-offer its last).
         */
        private String ptime() {
            final int forced = answered == null ? options.codecs().ptime() : options.answeredCodecs().ptimeReverse();
            if (forced > 0) {
                return Integer.toString(forced);
            }
            return m.ptime() != null ? m.ptime() : recipient != null ? recipient.ptime() : null;
        }

        private void mLine() {
            final String protocol = options.transportProtocol() != null ? options.transportProtocol()
                : recipient != null ? recipient.protocol() : m.protocol();
            out.append("m=").append(m.mediaType()).append(' ').append(endpoint.rtpPort()).append(' ').append(protocol);
            for (final String format : formats) {
                out.append(' ').append(format);
            }
            out.append(CRLF);
        }

        private boolean managed(final SdpLine line) {
            final String name = line.attributeName();
            return switch (name) {
                case "rtpmap", "fmtp", "crypto" -> rtp;
                case "rtcp-fb" -> rtp && !line.value().startsWith("rtcp-fb:*");
                case "rtcp", "rtcp-mux", "ptime", "mid", "ice-ufrag", "ice-pwd", "ice-options", "ice-lite",
                     "candidate", "remote-candidates", "setup", "fingerprint", "tls-id" -> true;
                case "end-of-candidates" -> {
                    endOfCandidates = true;
                    yield true;
                }
                default -> !options.originalSendrecv() && Direction.ofAttribute(line.value()) != null;
            };
        }

        private void codecs() {
            for (final String format : formats) {
                final String rtpmap = formatAttribute("rtpmap", format);
                out.append("a=rtpmap:").append(format).append(' ');
                if (rtpmap != null) {
                    encoding(rtpmap);
                } else {
                    final String known = StaticPayloadTypes.rtpmap(format);
                    // rtpengine writes an empty encoding and clock rate 0 for a format it cannot name
                    out.append(known != null ? known : "/0");
                }
                out.append(CRLF);
                final String fmtp = formatAttribute("fmtp", format);
                if (fmtp != null) {
                    out.append("a=fmtp:").append(format).append(' ').append(fmtp).append(CRLF);
                }
                for (final SdpLine line : m.lines()) {
                    if (line.isAttribute("rtcp-fb") && formatAttributeValue(line, format) != null) {
                        append(out, line);
                    }
                }
            }
        }

        /** Writes {@code encoding/clock[/channels]}, leaving out a channel count of 1 as rtpengine does. */
        private void encoding(final String rtpmap) {
            final int first = rtpmap.indexOf('/');
            final int second = first < 0 ? -1 : rtpmap.indexOf('/', first + 1);
            if (second > 0 && "1".equals(rtpmap.substring(second + 1).strip())) {
                out.append(rtpmap, 0, second);
            } else {
                out.append(rtpmap);
            }
        }

        /** @return the value of the last {@code a=<name>:<format>} line (rtpengine keeps the last), or null. */
        private String formatAttribute(final String name, final String format) {
            String found = null;
            for (final SdpLine line : m.lines()) {
                if (line.isAttribute(name)) {
                    final String value = formatAttributeValue(line, format);
                    if (value != null) {
                        found = value;
                    }
                }
            }
            return found;
        }

        private boolean speaksIce() {
            return switch (options.ice()) {
                case REMOVE -> false;
                case FORCE -> true;
                case DEFAULT -> answered != null ? answered.hasIce() || options.answered().hasAttribute("ice-ufrag")
                    : m.hasIce();
            };
        }

        /** rtpengine trickles towards the offerer when its section (not its session level) said trickle. */
        private boolean trickle() {
            if (answered == null) {
                return false;
            }
            final String media = answered.attribute("ice-options");
            return media != null && media.contains("trickle");
        }

        private boolean rtcpMux() {
            return switch (options.rtcpMux()) {
                case DEFAULT -> answered != null ? endpoint.rtcpPort() == endpoint.rtpPort() : m.rtcpMux();
                case OFFER -> true;
                case DEMUX, REJECT -> false;
            };
        }

        private void ice() {
            // like rtpengine, fresh credentials for every section unless the caller keeps them for the call
            final String ufrag = options.iceUfrag() != null ? options.iceUfrag() : random(UFRAG_LENGTH);
            final String pwd = options.icePwd() != null ? options.icePwd() : random(PWD_LENGTH);
            out.append("a=ice-ufrag:").append(ufrag).append(CRLF);
            out.append("a=ice-pwd:").append(pwd).append(CRLF);
            if (trickle()) {
                out.append("a=ice-options:trickle").append(CRLF);
                endOfCandidates = true;
            }
            final String foundation = foundation(endpoint.address());
            final int components = endpoint.rtcpPort() == endpoint.rtpPort() ? 1 : 2;
            for (int component = 1; component <= components; component++) {
                out.append("a=candidate:").append(foundation).append(' ').append(component).append(" UDP ")
                    .append(HOST_PRIORITY_BASE - component).append(' ').append(endpoint.address()).append(' ')
                    .append(component == 1 ? endpoint.rtpPort() : endpoint.rtcpPort()).append(" typ host")
                    .append(CRLF);
            }
        }
    }

    /**
     * @return the rest of an {@code a=<name>:<format> <rest>} line when it is about this format, else null.
     */
    private static String formatAttributeValue(final SdpLine line, final String format) {
        final String value = line.attributeValue();
        if (value == null || !value.startsWith(format) || value.length() == format.length()) {
            return null;
        }
        if (value.charAt(format.length()) != ' ') {
            return null;
        }
        return value.substring(format.length() + 1);
    }
}
