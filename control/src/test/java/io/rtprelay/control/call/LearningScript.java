package io.rtprelay.control.call;

import io.rtprelay.control.testkit.NgClient;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rtprelay.control.testkit.RtpLoad.request;

/**
 * One plain RTP call through any ng relay and four parties on loopback: caller A (sending from its SDP address),
 * callee B, a third party C (A's address, another port: the RTP Bleed attacker) and A2 (A after a NAT rebinding).
 * A script of steps ("C sends 2 packets to the relay port that serves A") records, per step, which socket received
 * what: {@code "A<B"} is a packet B sent that reached A. The same script run against rtpengine and against our relay
 * says whether both forward the same packets to the same places.
 */
final class LearningScript implements AutoCloseable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_PORT = Pattern.compile("m=audio (\\d+) ");
    private static final int DRAIN_MS = 60;

    private final NgClient ng;
    private final String callId;
    private final Map<String, DatagramSocket> parties = new LinkedHashMap<>();
    private final Map<String, String> steps = new LinkedHashMap<>();
    private int portServingA;
    private int portServingB;
    private long answeredNs;
    private int seq;

    LearningScript(final NgClient ng, final String callId) throws IOException {
        this.ng = ng;
        this.callId = callId;
        for (final String name : List.of("A", "B", "C", "A2")) {
            final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            socket.setSoTimeout(1);
            parties.put(name, socket);
        }
    }

    /** Offer from A, answer from B, both with the flags. */
    LearningScript establish(final List<String> flags) {
        portServingB = port(ng.call(request("offer", callId, "from-tag", "ta", "sdp", sdp("A", 1), "flags", flags)));
        portServingA = port(ng.call(request("answer", callId, "from-tag", "ta", "to-tag", "tb", "sdp", sdp("B", 2),
            "flags", flags)));
        answeredNs = System.nanoTime();
        return this;
    }

    /**
     * Runs a throwaway call through the relay first, so that its first packets (a fresh JVM's) do not arrive after a
     * step's reading time.
     */
    static void warmUp(final NgClient ng) throws IOException {
        try (LearningScript warmUp = new LearningScript(ng, "learning-warm-up-" + System.nanoTime())) {
            warmUp.establish(List.of());
            for (int i = 0; i < 20; i++) {
                warmUp.step("A " + i, "A", 5);
                warmUp.step("B " + i, "B", 5);
            }
            warmUp.delete();
        }
    }

    /** @return nanoTime of the answer: the learning window runs 3 s from it. */
    long answeredNs() {
        return answeredNs;
    }

    private String sdp(final String party, final int session) {
        return "v=0\r\no=- " + session + " 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio " + parties.get(party).getLocalPort() + " RTP/AVP 0\r\na=sendrecv\r\n";
    }

    private static int port(final Map<String, Object> reply) {
        final Matcher m = M_PORT.matcher(String.valueOf(reply.get("sdp")));
        if (!"ok".equals(reply.get("result")) || !m.find()) {
            throw new AssertionError("reply: " + reply);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * A step: {@code sender} sends {@code count} RTP packets (its own SSRC) to the relay port that serves it (B's
     * for B, A's for everyone else), then every party's socket is read for a moment.
     */
    void step(final String label, final String sender, final int count) throws IOException {
        final int port = "B".equals(sender) ? portServingB : portServingA;
        final DatagramSocket from = parties.get(sender);
        for (int i = 0; i < count; i++) {
            final byte[] packet = rtp(sender);
            from.send(new DatagramPacket(packet, packet.length, new InetSocketAddress(LOOPBACK, port)));
        }
        steps.put(label, received());
    }

    private byte[] rtp(final String sender) {
        seq++;
        final byte[] packet = new byte[32];
        packet[0] = (byte)0x80;
        packet[2] = (byte)(seq >> 8);
        packet[3] = (byte)seq;
        packet[11] = (byte)sender.hashCode();
        final byte[] name = sender.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, packet, 12, name.length);
        return packet;
    }

    private String received() throws IOException {
        final TreeSet<String> got = new TreeSet<>();
        final long deadline = System.nanoTime() + DRAIN_MS * 1_000_000L;
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
                got.add(e.getKey() + "<" + sender);
            }
        }
        return String.join(" ", got);
    }

    /** @return per step, what reached whom ({@code "A<B"}), in script order. */
    Map<String, String> steps() {
        return steps;
    }

    /** Deletes the call. */
    void delete() {
        ng.call(request("delete", callId, "from-tag", "ta"));
    }

    @Override
    public void close() {
        for (final DatagramSocket s : new ArrayList<>(parties.values())) {
            s.close();
        }
    }
}
