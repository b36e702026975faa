package io.rtprelay.control.call;

import io.rtprelay.control.testkit.NgClient;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One plain RTP call between A (from-tag {@code fa}) and B (to-tag {@code tb}) through any ng relay, each party with
 * an RTP and an RTCP socket on loopback, offering PCMU (0), PCMA (8), G.722 (9), G.729 (18), PCMA as dynamic 96 and
 * telephone-event as 101. A probe has each party send one RTP packet of each of those payload types, one of the
 * unmapped type 100, one RTCP sender report to the RTP port (it reads as {@code "pt72:22/len28"}) and one to the
 * RTCP port, and records what the other party received: {@code "pt0:ff"} is a
 * packet of type 0 whose payload is all 0xFF bytes ({@code "pt0:11"} untouched, {@code "pt0:mixed"} neither),
 * {@code "rtcp"} the report. The same script on rtpengine and on our relay says whether both block, silence and
 * drop the same packets.
 */
final class MediaControlScript implements AutoCloseable {
    /** The payload types each party sends; 100 is in no SDP. */
    static final int[] PAYLOAD_TYPES = {0, 8, 9, 18, 96, 100, 101};
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_PORT = Pattern.compile("m=audio (\\d+) ");
    private static final Pattern RTCP_PORT = Pattern.compile("a=rtcp:(\\d+)");
    private static final int FILL = 0x11;
    /** The payload of what B sends to its old port after {@link #moveA()}. */
    private static final int OLD_PORT_FILL = 0x33;
    /** How long a probe waits for its first packet, and for another after each packet (a loaded machine). */
    private static final long FIRST_WAIT_NS = 400_000_000L;
    private static final long QUIET_NS = 200_000_000L;
    private static final long MAX_WAIT_NS = 3_000_000_000L;
    private static final int MAX_READS = 64;

    private final NgClient ng;
    private final String callId;
    private final Map<String, DatagramSocket> rtp = new LinkedHashMap<>();
    private final Map<String, DatagramSocket> rtcp = new LinkedHashMap<>();
    private final Map<String, int[]> relayPorts = new LinkedHashMap<>();
    private final boolean mux;
    private final List<DatagramSocket> moved = new ArrayList<>();
    private int[] oldPortsOfB;
    private int seq;

    MediaControlScript(final NgClient ng, final String callId) throws IOException {
        this(ng, callId, false);
    }

    /**
     * @param mux whether both parties offer and answer {@code a=rtcp-mux} (RFC 5761): then RTCP goes only to the
     *            RTP port (from the RTP socket), else also to the RTCP port (from the RTCP socket).
     */
    MediaControlScript(final NgClient ng, final String callId, final boolean mux) throws IOException {
        this.ng = ng;
        this.callId = callId;
        this.mux = mux;
        for (final String party : List.of("A", "B")) {
            rtp.put(party, socket());
            rtcp.put(party, socket());
        }
    }

    private static DatagramSocket socket() throws IOException {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(1);
        return socket;
    }

    /** Offer from A, answer from B. */
    MediaControlScript establish() {
        relayPorts.put("B", ports(ng.call(request("offer", "from-tag", "fa", "sdp", sdp("A")))));
        answer();
        return this;
    }

    /** B answers (again). */
    Map<String, Object> answer() {
        final Map<String, Object> reply = ng.call(request("answer", "from-tag", "fa", "to-tag", "tb", "sdp", sdp("B")));
        relayPorts.put("A", ports(reply));
        return reply;
    }

    /**
     * A moves to another RTP port and offers again: the relay gives B new ports and keeps the old ones forwarding
     * (no {@code port-latching}); from now on each probe also has B send its RTP, payload 0x33, to the old port.
     */
    Map<String, Object> moveA() throws IOException {
        moved.add(rtp.get("A"));
        rtp.put("A", socket());
        oldPortsOfB = relayPorts.get("B");
        return reoffer();
    }

    /** A offers again (a re-INVITE with the same SDP). */
    Map<String, Object> reoffer() {
        final Map<String, Object> reply = ng.call(request("offer", "from-tag", "fa", "to-tag", "tb", "sdp", sdp("A")));
        relayPorts.put("B", ports(reply));
        return reply;
    }

    private Map<String, Object> request(final String command, final Object... keysAndValues) {
        final Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", command);
        r.put("call-id", callId);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            r.put((String)keysAndValues[i], keysAndValues[i + 1]);
        }
        return r;
    }

    /**
     * Sends one command of this call.
     *
     * @param command       the command.
     * @param keysAndValues further keys; {@code call-id} is this call's unless given.
     * @return the reply as a string, for comparison.
     */
    String command(final String command, final Object... keysAndValues) {
        final Map<String, Object> r = request(command, keysAndValues);
        return String.valueOf(ng.call(r));
    }

    private String sdp(final String party) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio " + rtp.get(party).getLocalPort() + " RTP/AVP 0 8 9 18 96 101\r\n"
            + "a=rtpmap:96 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
            + (mux ? "a=rtcp-mux\r\n" : "a=rtcp:" + rtcp.get(party).getLocalPort() + "\r\n") + "a=sendrecv\r\n";
    }

    private static int[] ports(final Map<String, Object> reply) {
        final String sdp = String.valueOf(reply.get("sdp"));
        final Matcher m = M_PORT.matcher(sdp);
        if (!"ok".equals(reply.get("result")) || !m.find()) {
            throw new AssertionError("reply: " + reply);
        }
        final int rtpPort = Integer.parseInt(m.group(1));
        final Matcher r = RTCP_PORT.matcher(sdp);
        return new int[] {rtpPort, r.find() ? Integer.parseInt(r.group(1)) : rtpPort + 1};
    }

    /** @return what B received from A, then what A received from B, e.g. {@code "A>B: pt0:11 pt8:11 rtcp"}. */
    String probe() throws IOException {
        return probe(null);
    }

    /**
     * A probe that knows what to expect: it waits (within a bound) until each party has received as many packets
     * as in {@code expected}, another relay's result for the same scenario, before it waits for a quiet moment;
     * so a pause of the relay under test (a collection, a loaded machine) does not cut its probe short.
     *
     * @param expected a result of {@link #probe()}, or null to wait for a quiet moment only.
     * @return as {@link #probe()}.
     */
    String probe(final String expected) throws IOException {
        final String[] directions = expected == null ? null : expected.split(" \\| ");
        return send("A", "B", directions == null ? 0 : count(directions[0])) + " | "
            + send("B", "A", directions == null ? 0 : count(directions[1]));
    }

    private static int count(final String direction) {
        final String packets = direction.substring(direction.indexOf(':') + 1).trim();
        return packets.isEmpty() ? 0 : packets.split(" ").length;
    }

    private String send(final String from, final String to, final int expected) throws IOException {
        final int[] ports = relayPorts.get(from);
        for (final int payloadType : PAYLOAD_TYPES) {
            final byte[] packet = rtp(payloadType, FILL);
            rtp.get(from).send(new DatagramPacket(packet, packet.length, new InetSocketAddress(LOOPBACK, ports[0])));
        }
        if ("B".equals(from) && oldPortsOfB != null && oldPortsOfB[0] != ports[0]) {
            for (final int payloadType : PAYLOAD_TYPES) {
                final byte[] packet = rtp(payloadType, OLD_PORT_FILL);
                rtp.get(from).send(new DatagramPacket(packet, packet.length,
                    new InetSocketAddress(LOOPBACK, oldPortsOfB[0])));
            }
        }
        // an RTCP sender report on the RTP port (RTCP multiplexing, RFC 5761 §4): its payload type reads as 72
        final byte[] muxed = report(0x22);
        rtp.get(from).send(new DatagramPacket(muxed, muxed.length, new InetSocketAddress(LOOPBACK, ports[0])));
        if (!mux) {
            final byte[] report = report(0);
            rtcp.get(from).send(new DatagramPacket(report, report.length,
                new InetSocketAddress(LOOPBACK, ports[1])));
        }
        return from + ">" + to + ": " + received(to, expected);
    }

    private static byte[] report(final int fill) {
        final byte[] report = new byte[28];
        Arrays.fill(report, 8, report.length, (byte)fill);
        report[0] = (byte)0x80;
        report[1] = (byte)200;
        report[3] = 6;
        return report;
    }

    private byte[] rtp(final int payloadType, final int fill) {
        seq++;
        final byte[] packet = new byte[12 + 160];
        packet[0] = (byte)0x80;
        packet[1] = (byte)payloadType;
        packet[2] = (byte)(seq >> 8);
        packet[3] = (byte)seq;
        packet[11] = 7;
        if (payloadType == 101) {
            packet[12] = 1;
            packet[15] = (byte)160;
        }
        for (int i = payloadType == 101 ? 16 : 12; i < packet.length; i++) {
            packet[i] = (byte)fill;
        }
        return packet;
    }

    private String received(final String party, final int expected) throws IOException {
        final TreeSet<String> got = new TreeSet<>();
        final long startNs = System.nanoTime();
        long deadline = startNs + (expected > 0 ? MAX_WAIT_NS : FIRST_WAIT_NS);
        final byte[] buf = new byte[2048];
        int reads = 0;
        while (System.nanoTime() - deadline < 0 && reads < MAX_READS) {
            final int before = reads;
            final DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                rtp.get(party).receive(p);
                reads++;
                got.add(describe(buf, p.getLength()));
            } catch (final SocketTimeoutException nothing) {
                // try the RTCP socket
            }
            try {
                rtcp.get(party).receive(new DatagramPacket(buf, buf.length));
                reads++;
                got.add("rtcp");
            } catch (final SocketTimeoutException nothing) {
                // read again until the deadline
            }
            if (reads != before && reads >= expected) {
                // every packet is read before the next probe's: wait for a quiet moment, within a bound
                deadline = Math.min(System.nanoTime() + QUIET_NS, startNs + MAX_WAIT_NS);
            }
        }
        return String.join(" ", got);
    }

    private static String describe(final byte[] buf, final int length) {
        final int payloadType = buf[1] & 0x7F;
        final int start = payloadType == 101 ? 16 : 12;
        if (length <= start) {
            return "pt" + payloadType + ":empty";
        }
        final int first = buf[start] & 0xFF;
        for (int i = start; i < length; i++) {
            if ((buf[i] & 0xFF) != first) {
                return "pt" + payloadType + ":mixed";
            }
        }
        return "pt" + payloadType + ":" + String.format("%02x", first) + (length != 172 ? "/len" + length : "");
    }

    /** Deletes the call at once. */
    void delete() {
        ng.call(request("delete", "delete-delay", 0L));
    }

    @Override
    public void close() {
        for (final DatagramSocket s : new ArrayList<>(rtp.values())) {
            s.close();
        }
        for (final DatagramSocket s : new ArrayList<>(rtcp.values())) {
            s.close();
        }
        for (final DatagramSocket s : moved) {
            s.close();
        }
    }
}
