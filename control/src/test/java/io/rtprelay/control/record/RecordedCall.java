package io.rtprelay.control.record;

import io.rtprelay.control.testkit.NgClient;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rtprelay.control.testkit.RtpLoad.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A two-party call through a relay (ours or rtpengine) with real UDP endpoints on loopback: A offers, B answers, and
 * each party's RTP and RTCP go through the relay and are received by the other.
 */
final class RecordedCall implements AutoCloseable {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_PORT = Pattern.compile("m=audio (\\d+) ");
    private static final Pattern RTCP_PORT = Pattern.compile("a=rtcp:(\\d+)");
    private static final int RTP_LENGTH = 172;

    final NgClient ng;
    final String callId;
    final Party a;
    final Party b;
    /** The relay's ports A sends to (advertised to A in the answer). */
    int relayForA;
    /** The relay's ports B sends to (advertised to B in the offer). */
    int relayForB;
    Map<String, Object> offerReply;
    Map<String, Object> answerReply;

    /** One party: an RTP and an RTCP socket. */
    record Party(DatagramSocket rtp, DatagramSocket rtcp) implements AutoCloseable {
        static Party open() throws IOException {
            final DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            final DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            rtp.setSoTimeout(2_000);
            rtcp.setSoTimeout(2_000);
            return new Party(rtp, rtcp);
        }

        String sdp(final String session) {
            return "v=0\r\no=- " + session + " 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + rtp.getLocalPort() + " RTP/AVP 0\r\na=rtcp:" + rtcp.getLocalPort() + "\r\n"
                + "a=sendrecv\r\n";
        }

        @Override
        public void close() {
            rtp.close();
            rtcp.close();
        }
    }

    RecordedCall(final NgClient ng, final String callId) throws IOException {
        this.ng = ng;
        this.callId = callId;
        this.a = Party.open();
        this.b = Party.open();
    }

    /** Offer from A and answer from B, with extra keys in the offer (e.g. {@code record call}). */
    RecordedCall establish(final Object... offerKeys) {
        final Map<String, Object> offer = request("offer", callId, "from-tag", "a", "sdp", a.sdp("1"));
        offer.putAll(keys(offerKeys));
        offerReply = ng.call(offer);
        assertEquals("ok", offerReply.get("result"), () -> "offer: " + offerReply);
        relayForB = port(M_PORT, (String)offerReply.get("sdp"));
        answerReply = ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b", "sdp", b.sdp("2")));
        assertEquals("ok", answerReply.get("result"), () -> "answer: " + answerReply);
        relayForA = port(M_PORT, (String)answerReply.get("sdp"));
        assertEquals(relayForA + 1, port(RTCP_PORT, (String)answerReply.get("sdp")));
        return this;
    }

    /** A re-INVITE with extra keys in the re-offer: A offers again (to B's tag) and B answers; the ports stay. */
    RecordedCall reinvite(final Object... offerKeys) {
        final Map<String, Object> offer = request("offer", callId, "from-tag", "a", "to-tag", "b", "sdp", a.sdp("1"));
        offer.putAll(keys(offerKeys));
        offerReply = ng.call(offer);
        assertEquals("ok", offerReply.get("result"), () -> "re-offer: " + offerReply);
        answerReply = ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b", "sdp", b.sdp("2")));
        assertEquals("ok", answerReply.get("result"), () -> "re-answer: " + answerReply);
        assertEquals(relayForB, port(M_PORT, (String)offerReply.get("sdp")));
        assertEquals(relayForA, port(M_PORT, (String)answerReply.get("sdp")));
        return this;
    }

    Map<String, Object> command(final String command, final Object... keys) {
        final Map<String, Object> r = request(command, callId);
        r.putAll(keys(keys));
        return ng.call(r);
    }

    /** A sends RTP {@code first..first+count-1} and B sends {@code 1000+} the same, each received by the other. */
    void exchange(final int first, final int count) throws IOException {
        for (int seq = first; seq < first + count; seq++) {
            send(a.rtp(), relayForA, rtp(seq));
            assertArrayEquals(rtp(seq), receive(b.rtp()));
            send(b.rtp(), relayForB, rtp(1000 + seq));
            assertArrayEquals(rtp(1000 + seq), receive(a.rtp()));
        }
    }

    /** One RTCP sender report each way. */
    void rtcpBothWays() throws IOException {
        send(a.rtcp(), relayForA + 1, rtcp());
        assertArrayEquals(rtcp(), receive(b.rtcp()));
        send(b.rtcp(), relayForB + 1, rtcp());
        assertArrayEquals(rtcp(), receive(a.rtcp()));
    }

    Map<String, Object> delete() {
        return command("delete", "delete-delay", 0L);
    }

    /** @return the RTP packet with this sequence number: PCMU, SSRC 42, 160 bytes of payload all {@code seq}. */
    static byte[] rtp(final int seq) {
        final byte[] packet = new byte[RTP_LENGTH];
        packet[0] = (byte)0x80;
        packet[2] = (byte)(seq >> 8);
        packet[3] = (byte)seq;
        packet[11] = 42;
        Arrays.fill(packet, 12, packet.length, (byte)seq);
        return packet;
    }

    /** @return the RTP payload of {@link #rtp} as tshark 4.0 prints {@code rtp.payload} (hex digits). */
    static String payloadHex(final int seq) {
        final byte[] payload = Arrays.copyOfRange(rtp(seq), 12, RTP_LENGTH);
        return HexFormat.of().formatHex(payload);
    }

    static byte[] rtcp() {
        final byte[] packet = new byte[28];
        packet[0] = (byte)0x80;
        packet[1] = (byte)200;
        packet[3] = 6;
        return packet;
    }

    private static void send(final DatagramSocket from, final int port, final byte[] payload) throws IOException {
        from.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(LOOPBACK, port)));
    }

    private static byte[] receive(final DatagramSocket socket) throws IOException {
        final DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private static int port(final Pattern pattern, final String sdp) {
        final Matcher m = pattern.matcher(sdp);
        assertTrue(m.find(), sdp);
        return Integer.parseInt(m.group(1));
    }

    private static Map<String, Object> keys(final Object... kv) {
        final Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String)kv[i], kv[i + 1]);
        }
        return out;
    }

    /** @return the relay's RTP ports of this call, for tshark's decode-as. */
    List<Integer> relayRtpPorts() {
        return List.of(relayForA, relayForB);
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
