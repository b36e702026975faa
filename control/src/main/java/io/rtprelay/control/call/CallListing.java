package io.rtprelay.control.call;

import io.netty.util.NetUtil;
import io.rtprelay.control.config.InterfaceSpec;
import io.rtprelay.relay.GlobalCounters;
import io.rtprelay.relay.MediaPlane;
import io.rtprelay.relay.MediaSocket;
import io.rtprelay.relay.MediaSocketPair;
import io.rtprelay.relay.stream.Stream;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable snapshots of the call registry for rtpengine's CLI ({@code list sessions}, {@code list numsessions},
 * {@code list totals}, {@code list interfaces}): taken under the conductor's lock, in microseconds, and formatted
 * after it is released, so a CLI client never holds up ng. Stream counters are read without locks (single writer,
 * acquire reads).
 */
public final class CallListing {
    private static final long MS_PER_S = 1000;

    private CallListing() {
    }

    /**
     * One call on one line.
     *
     * @param callId   its call-id.
     * @param deleting whether a delete is pending (its delete delay runs).
     * @param createdS when it was created, Unix seconds.
     * @param proxy    who created it ({@code address:port} of the ng client), empty when unknown.
     */
    public record Summary(String callId, boolean deleting, long createdS, String proxy) {
    }

    /**
     * One call in full.
     *
     * @param summary     its line.
     * @param lastSignalS when it was last signalled, Unix seconds.
     * @param parties     its parties in the order they were made.
     */
    public record Detail(Summary summary, long lastSignalS, List<Party> parties) {
    }

    /**
     * One party (rtpengine's monologue).
     *
     * @param tag          its SIP tag, empty until known.
     * @param type         {@code FROM_TAG} (the first party), {@code TO_TAG}, or {@code UNKNOWN} (no tag yet).
     * @param durationUs   how long it has existed.
     * @param peer         the tag of the party it is in dialogue with, null when none.
     * @param medias       its media sections.
     */
    public record Party(String tag, String type, long durationUs, String peer, List<Media> medias) {
    }

    /**
     * One media section of a party.
     *
     * @param index    1-based, in m= order.
     * @param type     {@code audio}, {@code video}, ...
     * @param protocol {@code RTP/AVP}, ...
     * @param ports    its RTP and RTCP ports; empty when rejected (port 0).
     */
    public record Media(int index, String type, String protocol, List<Port> ports) {
    }

    /**
     * One local port and the endpoint it talks to.
     *
     * @param local       the local address.
     * @param localPort   the local port.
     * @param remote      the endpoint (learned, else signalled), empty when none.
     * @param remotePort  its port, 0 when none.
     * @param rtcp        whether this is the RTCP port.
     * @param packets     packets received.
     * @param bytes       bytes received.
     * @param errors      packets received and dropped.
     * @param lastPacketS when the last packet came, Unix seconds; the call's creation before the first.
     */
    public record Port(String local, int localPort, String remote, int remotePort, boolean rtcp, long packets,
        long bytes, long errors, long lastPacketS) {
    }

    /**
     * Lifetime totals (calls that ended).
     *
     * @param uptimeS             seconds since start.
     * @param managed             calls that ended.
     * @param rejected            offers refused for the session limit.
     * @param timeouts            calls deleted by {@code timeout}.
     * @param silentTimeouts      ... by {@code silent-timeout}.
     * @param finalTimeouts       ... by {@code final-timeout}.
     * @param regular             ... by a delete.
     * @param forced              ... by the CLI's {@code terminate}.
     * @param streamsWithoutPackets media sections of ended calls in which no party sent a packet.
     * @param oneWayStreams       ... in which only one party did.
     * @param averageDurationS    mean call duration.
     * @param totalDurationS      sum of call durations.
     * @param totalDurationSquaredS sum of squared call durations, s².
     * @param durationStdDevS     population standard deviation of call durations.
     */
    public record Lifetime(long uptimeS, long managed, long rejected, long timeouts, long silentTimeouts,
        long finalTimeouts, long regular, long forced, long streamsWithoutPackets, long oneWayStreams,
        double averageDurationS, double totalDurationS, double totalDurationSquaredS, double durationStdDevS) {
    }

    /**
     * Port use of one interface.
     *
     * @param name     its name ({@code default} unless named).
     * @param address  its local address.
     * @param ipv6     whether that is IPv6.
     * @param portMin  the first port of the range.
     * @param portMax  the last port.
     * @param used     ports its sockets hold now.
     * @param lastPort the highest port its sockets hold, 0 when none.
     */
    public record Interface(String name, String address, boolean ipv6, int portMin, int portMax, int used,
        int lastPort) {
    }

    /**
     * The counts of {@code list numsessions} and {@code list totals}.
     *
     * @param sessions        calls held.
     * @param ipv4Only        answered calls whose endpoints are all IPv4.
     * @param ipv6Only        ... all IPv6.
     * @param mixed           ... of both families.
     * @param relayingStreams media sections of a party that have received packets.
     * @param packetsRelayed  packets relayed since start.
     * @param bytesRelayed    bytes relayed since start.
     * @param errors          packets dropped since start.
     * @param lifetime        totals of ended calls.
     * @param interfaces      port use per interface.
     */
    public record Totals(int sessions, int ipv4Only, int ipv6Only, int mixed, int relayingStreams,
        long packetsRelayed, long bytesRelayed, long errors, Lifetime lifetime, List<Interface> interfaces) {
    }

    static List<Summary> summaries(final Collection<Call> calls) {
        final List<Summary> out = new ArrayList<>(calls.size());
        for (final Call call : calls) {
            out.add(summary(call));
        }
        return out.reversed();
    }

    private static Summary summary(final Call call) {
        return new Summary(call.callId, call.deleteAtNs != 0, call.createdMs / MS_PER_S,
            call.createdFrom == null ? "" : call.createdFrom);
    }

    static Detail detail(final Call call, final long nowMs) {
        final List<Party> parties = new ArrayList<>();
        boolean first = true;
        for (final Monologue m : call.parties) {
            final String type = m.tag.isEmpty() ? "UNKNOWN" : first ? "FROM_TAG" : "TO_TAG";
            first = false;
            final List<Media> medias = new ArrayList<>();
            for (final MediaSession session : m.medias) {
                final List<Port> ports = new ArrayList<>();
                if (session.sockets != null) {
                    final String local = m.iface == null ? "" : NetUtil.toAddressString(m.iface.local());
                    ports.add(port(local, session.sockets.rtp(), session.remoteRtp, false, call));
                    ports.add(port(local, session.sockets.rtcp(), session.remoteRtcp, true, call));
                }
                medias.add(new Media(session.index + 1, session.type, session.protocol, List.copyOf(ports)));
            }
            parties.add(new Party(m.tag, type, Math.max(0, nowMs - m.createdMs) * MS_PER_S,
                m.partner == null ? null : m.partner.tag, List.copyOf(medias)));
        }
        return new Detail(summary(call), call.lastSignalMs / MS_PER_S, List.copyOf(parties));
    }

    private static Port port(final String local, final MediaSocket socket, final InetSocketAddress signalled,
        final boolean rtcp, final Call call) {
        final Stream s = socket.stream();
        final InetSocketAddress learned = s.endpoint();
        final InetSocketAddress remote = learned != null ? learned : signalled;
        final boolean known = remote != null && remote.getAddress() != null;
        final long packets = s.packetsIn();
        final long lastPacketS = packets == 0 ? call.createdMs / MS_PER_S
            : (System.currentTimeMillis() - (System.nanoTime() - s.lastPacketNs()) / 1_000_000) / MS_PER_S;
        return new Port(local, socket.port(), known ? NetUtil.toAddressString(remote.getAddress()) : "",
            known ? remote.getPort() : 0, rtcp, packets, s.bytesIn(), s.errorsIn(), lastPacketS);
    }

    static Totals totals(final Collection<Call> calls, final CallStatistics statistics, final MediaPlane media,
        final List<InterfaceSpec> interfaces) {
        int v4 = 0;
        int v6 = 0;
        int mixed = 0;
        int relaying = 0;
        final Map<InterfaceSpec, int[]> use = new HashMap<>();
        for (final Call call : calls) {
            boolean answered = true;
            boolean anyV4 = false;
            boolean anyV6 = false;
            boolean anyMedia = false;
            for (final Monologue m : call.parties) {
                for (final MediaSession session : m.medias) {
                    if (session.sockets == null) {
                        continue;
                    }
                    anyMedia = true;
                    if (received(session)) {
                        relaying++;
                    }
                    if (m.iface != null) {
                        final int[] u = use.computeIfAbsent(m.iface, k -> new int[2]);
                        // a pair retired by a re-offer (no-port-latching) still holds its ports
                        for (final MediaSocketPair pair : new MediaSocketPair[] {session.sockets, session.retired}) {
                            if (pair != null) {
                                u[0] += 2;
                                u[1] = Math.max(u[1], Math.max(pair.rtp().port(), pair.rtcp().port()));
                            }
                        }
                    }
                    if (session.remoteRtp == null || session.remoteRtp.getAddress() == null) {
                        answered = false;
                    } else if (session.remoteRtp.getAddress() instanceof Inet6Address) {
                        anyV6 = true;
                    } else {
                        anyV4 = true;
                    }
                }
            }
            if (anyMedia && answered) {
                if (anyV4 && anyV6) {
                    mixed++;
                } else if (anyV6) {
                    v6++;
                } else if (anyV4) {
                    v4++;
                }
            }
        }
        final List<Interface> ifaces = new ArrayList<>();
        for (final InterfaceSpec spec : interfaces) {
            final int[] u = use.getOrDefault(spec, new int[2]);
            ifaces.add(new Interface(spec.name(), NetUtil.toAddressString(spec.local()), spec.ipv6(),
                media.ports().firstPort(), media.ports().lastPort(), u[0], u[1]));
        }
        final GlobalCounters counters = media.counters();
        return new Totals(calls.size(), v4, v6, mixed, relaying, counters.packetsRelayed(), counters.bytesRelayed(),
            counters.errors(), statistics.snapshot(), List.copyOf(ifaces));
    }

    /** @return the media sections of a call in which no party received a packet (rtpengine's no-relay streams). */
    static int streamsWithoutPackets(final Call call) {
        int silent = 0;
        for (final int senders : sendersPerSection(call).values()) {
            if (senders == 0) {
                silent++;
            }
        }
        return silent;
    }

    /** @return the media sections of a call in which exactly one party sent packets (1-way streams). */
    static int oneWayStreams(final Call call) {
        int oneWay = 0;
        int parties = 0;
        for (final Monologue m : call.parties) {
            if (!m.medias.isEmpty()) {
                parties++;
            }
        }
        for (final int senders : sendersPerSection(call).values()) {
            if (senders == 1 && parties > 1) {
                oneWay++;
            }
        }
        return oneWay;
    }

    /** @return whether the party sent RTP to the section's current ports, or to the ones a re-offer retired. */
    private static boolean received(final MediaSession session) {
        return session.sockets.rtp().stream().hasReceived()
            || session.retired != null && session.retired.rtp().stream().hasReceived();
    }

    private static Map<Integer, Integer> sendersPerSection(final Call call) {
        final Map<Integer, Integer> senders = new HashMap<>();
        for (final Monologue m : call.parties) {
            for (final MediaSession session : m.medias) {
                if (session.sockets == null) {
                    continue;
                }
                senders.merge(session.index, received(session) ? 1 : 0, Integer::sum);
            }
        }
        return senders;
    }
}
