package io.rtprelay.control.call;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.NgTarget;
import io.rtprelay.control.testkit.RtpengineDaemon;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rtprelay.control.testkit.RtpLoad.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code port-latching} and {@code no-port-latching} (the default), on the real rtpengine 10.5 daemon and on our
 * relay with the same script: A calls B; A's re-offer names a new port (socket A2), then B's re-answer a new port
 * (socket B2), and in between hold ({@code 0.0.0.0}) and back. Per step it records whether the relay port each
 * party was given changed, and who received what from which relay port ({@code "A2<B@new"}: A2 got B's packet
 * from the relay port A was just given): without {@code port-latching} the other party gets new ports and the old
 * ones still forward; with it nothing changes.
 */
class PortLatchingDifferentialTest {
    private static final List<List<String>> FLAGS = List.of(List.of(), List.of("port-latching"),
        List.of("no-port-latching"));
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_PORT = Pattern.compile("m=audio (\\d+) ");

    private final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    @Test
    @Timeout(60)
    void rtpengineAndWeChangeAndKeepTheSamePorts() throws Exception {
        final Map<String, Map<String, String>> theirs = run(closer.track(RtpengineDaemon.start()));
        final Map<String, Map<String, String>> ours = run(closer.track(RtprelayTarget.start()));
        assertEquals(theirs, ours);
        assertEquals("A:same B:new", theirs.get("[]").get("A re-offers from A2"), "the probe itself: " + theirs);
        assertEquals("A:same B:same", theirs.get("[port-latching]").get("A re-offers from A2"), "probe: " + theirs);
    }

    private static Map<String, Map<String, String>> run(final NgTarget relay) throws Exception {
        final Map<String, Map<String, String>> results = new LinkedHashMap<>();
        try (NgClient ng = new NgClient(relay.ngAddress())) {
            try (Script warmUp = new Script(ng, "port-latching-warm-up-" + System.nanoTime(), List.of())) {
                warmUp.exchange("warm-up", "A", "B");
            }
            int i = 0;
            for (final List<String> flags : FLAGS) {
                try (Script call = new Script(ng, "port-latching-" + i++ + "-" + System.nanoTime(), flags)) {
                    call.exchange("talk", "A", "B");
                    call.signal("A re-offers from A2", "A2", "B");
                    call.send("B to its old port", "B", call.oldPortOf("B"));
                    call.send("B to its new port", "B", call.portOf("B"));
                    call.send("A2 to its port", "A2", call.portOf("A"));
                    call.signal("A holds", "0.0.0.0", "B");
                    call.signal("A back on A2", "A2", "B");
                    call.signal("B re-answers from B2", "A2", "B2");
                    call.send("A2 to its old port", "A2", call.oldPortOf("A"));
                    call.send("A2 to its new port", "A2", call.portOf("A"));
                    call.send("B2 to its port", "B2", call.portOf("B"));
                    call.delete();
                    results.put(flags.toString(), call.steps);
                }
            }
        }
        return results;
    }

    /** One call and its four sockets: A and A2 (A after it moved), B and B2. */
    private static final class Script implements AutoCloseable {
        private final NgClient ng;
        private final String callId;
        private final List<String> flags;
        private final Map<String, DatagramSocket> parties = new LinkedHashMap<>();
        private final Map<String, String> steps = new LinkedHashMap<>();
        private final Map<String, Integer> port = new LinkedHashMap<>();
        private final Map<String, Integer> oldPort = new LinkedHashMap<>();
        private int seq;

        Script(final NgClient ng, final String callId, final List<String> flags) throws IOException {
            this.ng = ng;
            this.callId = callId;
            this.flags = flags;
            for (final String name : List.of("A", "A2", "B", "B2")) {
                final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                socket.setSoTimeout(1);
                parties.put(name, socket);
            }
            port.put("B", port(ng.call(request("offer", callId, "from-tag", "ta", "sdp", sdp("A"), "flags", flags))));
            port.put("A", port(ng.call(request("answer", callId, "from-tag", "ta", "to-tag", "tb", "sdp", sdp("B"),
                "flags", flags))));
            oldPort.putAll(port);
        }

        int portOf(final String party) {
            return port.get(party);
        }

        int oldPortOf(final String party) {
            return oldPort.get(party);
        }

        /** A re-offer from A's {@code aSocket} ("0.0.0.0" for hold), answered from B's {@code bSocket}. */
        void signal(final String label, final String aSocket, final String bSocket) {
            final int b = port(ng.call(request("offer", callId, "from-tag", "ta", "to-tag", "tb", "sdp", sdp(aSocket),
                "flags", flags)));
            final int a = port(ng.call(request("answer", callId, "from-tag", "ta", "to-tag", "tb", "sdp",
                sdp(bSocket), "flags", flags)));
            steps.put(label, "A:" + (a == port.get("A") ? "same" : "new") + " B:" + (b == port.get("B") ? "same"
                : "new"));
            oldPort.putAll(port);
            port.put("A", a);
            port.put("B", b);
        }

        /** A talks to B and B to A, each to its own relay port. */
        void exchange(final String label, final String a, final String b) throws IOException {
            send(label + " " + a, a, port.get("A"));
            send(label + " " + b, b, port.get("B"));
        }

        /** {@code sender} sends 2 packets to relay port {@code to}; then every socket is read (see received). */
        void send(final String label, final String sender, final int to) throws IOException {
            for (int i = 0; i < 2; i++) {
                seq++;
                final byte[] packet = new byte[32];
                packet[0] = (byte)0x80;
                packet[2] = (byte)(seq >> 8);
                packet[3] = (byte)seq;
                packet[11] = (byte)sender.hashCode();
                final byte[] name = sender.getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(name, 0, packet, 12, name.length);
                parties.get(sender).send(new DatagramPacket(packet, packet.length,
                    new InetSocketAddress(LOOPBACK, to)));
            }
            steps.put(label, received(2));
        }

        /**
         * Reads every socket until as many packets as were sent arrived (at most 1 s: on a loaded machine a relay
         * may take a while), then 50 ms more for anything extra (a packet delivered twice, or to a second place).
         */
        private String received(final int sent) throws IOException {
            final TreeSet<String> got = new TreeSet<>();
            long deadline = System.nanoTime() + 1_000_000_000L;
            int packets = 0;
            final byte[] buf = new byte[2048];
            while (System.nanoTime() - deadline < 0) {
                for (final Map.Entry<String, DatagramSocket> e : parties.entrySet()) {
                    final DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        e.getValue().receive(p);
                    } catch (final SocketTimeoutException nothing) {
                        continue;
                    }
                    final String sender = new String(buf, 12, p.getLength() - 12, StandardCharsets.US_ASCII).trim();
                    final String side = e.getKey().substring(0, 1);
                    final int from = p.getPort();
                    final String via = from == port.get(side) ? "new" : from == oldPort.get(side) ? "old" : "other";
                    got.add(e.getKey() + "<" + sender + "@" + via);
                    if (++packets == sent) {
                        deadline = System.nanoTime() + 50_000_000L;
                    }
                }
            }
            return String.join(" ", got);
        }

        private String sdp(final String party) {
            final boolean hold = "0.0.0.0".equals(party);
            final String address = hold ? "0.0.0.0" : "127.0.0.1";
            final int mediaPort = parties.get(hold ? "A2" : party).getLocalPort();
            return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 " + address + "\r\nt=0 0\r\n"
                + "m=audio " + mediaPort + " RTP/AVP 0\r\na=sendrecv\r\n";
        }

        private static int port(final Map<String, Object> reply) {
            final Matcher m = M_PORT.matcher(String.valueOf(reply.get("sdp")));
            if (!"ok".equals(reply.get("result")) || !m.find()) {
                throw new AssertionError("reply: " + reply);
            }
            return Integer.parseInt(m.group(1));
        }

        void delete() {
            ng.call(request("delete", callId, "from-tag", "ta"));
        }

        @Override
        public void close() {
            for (final DatagramSocket s : parties.values()) {
                s.close();
            }
        }
    }
}
