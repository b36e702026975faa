package io.rtprelay.control.call;

import io.netty.util.NetUtil;
import io.rtprelay.relay.MediaSocket;
import io.rtprelay.relay.stream.Stream;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Describes a call the way rtpengine's {@code query} and {@code delete} replies do ({@code created},
 * {@code last signal}, {@code tags} with their {@code medias} and {@code streams}, {@code totals} for RTP and
 * RTCP), reading the streams' counters without locks. A stream's {@code errors} include the SRTP packets it dropped
 * (failed authentication, replays); a section with SDES keys has the media flag {@code SDES} and its streams name
 * their {@code crypto suite}. Control thread only.
 */
final class CallStats {
    private CallStats() {
    }

    static void describe(final Call call, final Map<String, Object> out) {
        out.put("created", call.createdMs / 1000);
        out.put("created_us", call.createdMs * 1000);
        out.put("last signal", call.lastSignalMs / 1000);
        final long[] rtp = new long[3];
        final long[] rtcp = new long[3];
        final Map<String, Object> tags = new LinkedHashMap<>();
        for (final Monologue m : call.monologues.values()) {
            final Map<String, Object> tag = new LinkedHashMap<>();
            tag.put("tag", m.tag);
            tag.put("created", m.createdMs / 1000);
            if (m.partner != null) {
                tag.put("in dialogue with", m.partner.tag);
            }
            final List<Object> medias = new ArrayList<>();
            for (final MediaSession session : m.medias) {
                medias.add(media(session, rtp, rtcp));
            }
            tag.put("medias", medias);
            tags.put(m.tag, tag);
        }
        out.put("tags", tags);
        final Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("RTP", counters(rtp[0], rtp[1], rtp[2]));
        totals.put("RTCP", counters(rtcp[0], rtcp[1], rtcp[2]));
        out.put("totals", totals);
    }

    private static Map<String, Object> media(final MediaSession session, final long[] rtp, final long[] rtcp) {
        final Map<String, Object> media = new LinkedHashMap<>();
        media.put("index", session.index + 1);
        media.put("type", session.type);
        media.put("protocol", session.protocol);
        final List<Object> streams = new ArrayList<>();
        if (session.sockets != null) {
            final String suite = MediaCrypto.suite(session);
            streams.add(stream(session.sockets.rtp(), session.remoteRtp, suite, "RTP", rtp));
            streams.add(stream(session.sockets.rtcp(), session.remoteRtcp, suite, "RTCP", rtcp));
        }
        media.put("streams", streams);
        final List<Object> flags = new ArrayList<>();
        flags.add("initialized");
        if ("sendrecv".equals(session.direction) || "sendonly".equals(session.direction)) {
            flags.add("send");
        }
        if ("sendrecv".equals(session.direction) || "recvonly".equals(session.direction)) {
            flags.add("recv");
        }
        if (session.partyKey != null || session.relayKey != null) {
            flags.add("SDES");
        }
        media.put("flags", flags);
        return media;
    }

    private static Map<String, Object> stream(final MediaSocket socket, final InetSocketAddress advertised,
        final String cryptoSuite, final String kind, final long[] totals) {
        final Stream s = socket.stream();
        final Map<String, Object> stream = new LinkedHashMap<>();
        stream.put("local port", socket.port());
        final InetSocketAddress endpoint = s.endpoint();
        stream.put("endpoint", endpoint(endpoint != null ? endpoint : advertised));
        stream.put("advertised endpoint", endpoint(advertised));
        if (cryptoSuite != null) {
            stream.put("crypto suite", cryptoSuite);
        }
        final long lastNs = s.lastPacketNs();
        stream.put("last packet", lastNs == 0 ? 0L
            : (System.currentTimeMillis() - (System.nanoTime() - lastNs) / 1_000_000) / 1000);
        final List<Object> flags = new ArrayList<>();
        flags.add(kind);
        if (endpoint != null) {
            flags.add("filled");
        }
        if (s.learnedEndpoint() != null) {
            flags.add("confirmed");
        }
        stream.put("flags", flags);
        final long packets = s.packetsIn();
        final long bytes = s.bytesIn();
        final long errors = s.errorsIn();
        stream.put("stats", counters(packets, bytes, errors));
        // ours: how often the endpoint moved after the first latch, and how often a new source was refused that
        stream.put("relatches", s.relatches());
        stream.put("takeovers refused", s.takeoversRefused());
        totals[0] += packets;
        totals[1] += bytes;
        totals[2] += errors;
        return stream;
    }

    private static Map<String, Object> endpoint(final InetSocketAddress a) {
        final Map<String, Object> e = new LinkedHashMap<>();
        if (a == null || a.getAddress() == null) {
            e.put("family", "IPv4");
            e.put("address", "");
            e.put("port", 0L);
            return e;
        }
        e.put("family", a.getAddress() instanceof Inet6Address ? "IPv6" : "IPv4");
        e.put("address", NetUtil.toAddressString(a.getAddress()));
        e.put("port", (long)a.getPort());
        return e;
    }

    private static Map<String, Object> counters(final long packets, final long bytes, final long errors) {
        final Map<String, Object> c = new LinkedHashMap<>();
        c.put("packets", packets);
        c.put("bytes", bytes);
        c.put("errors", errors);
        return c;
    }

    static boolean silent(final Call call) {
        boolean any = false;
        for (final Monologue m : call.parties) {
            for (final MediaSession session : m.medias) {
                if (session.sockets != null) {
                    any = true;
                    if (!session.silent()) {
                        return false;
                    }
                }
            }
        }
        return any;
    }

    static long lastActivityNs(final Call call) {
        long last = call.lastSignalNs;
        for (final Monologue m : call.parties) {
            for (final MediaSession session : m.medias) {
                if (session.sockets != null) {
                    last = later(last, session.sockets.rtp().stream().lastPacketNs());
                    last = later(last, session.sockets.rtcp().stream().lastPacketNs());
                }
                if (session.retired != null) {
                    last = later(last, session.retired.rtp().stream().lastPacketNs());
                    last = later(last, session.retired.rtcp().stream().lastPacketNs());
                }
            }
        }
        return last;
    }

    private static long later(final long a, final long b) {
        return b != 0 && b - a > 0 ? b : a;
    }
}
