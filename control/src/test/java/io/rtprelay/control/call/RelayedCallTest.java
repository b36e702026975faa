package io.rtprelay.control.call;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.FreePorts;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rtprelay.control.testkit.RtpLoad.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls set up over ng against our relay, with real UDP endpoints on loopback sending RTP and RTCP through it.
 */
@Timeout(60)
class RelayedCallTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_PORT = Pattern.compile("m=audio (\\d+) ");
    private static final Pattern RTCP_PORT = Pattern.compile("a=rtcp:(\\d+)");

    private final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.closeAll();
    }

    /** One party: an RTP and an RTCP socket on loopback. */
    private record Party(DatagramSocket rtp, DatagramSocket rtcp) implements AutoCloseable {
        static Party open() throws IOException {
            final DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            final DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            rtp.setSoTimeout(2_000);
            rtcp.setSoTimeout(2_000);
            return new Party(rtp, rtcp);
        }

        String sdp(final String sessionId) {
            return "v=0\r\n"
                + "o=- " + sessionId + " 1 IN IP4 127.0.0.1\r\n"
                + "s=-\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + rtp.getLocalPort() + " RTP/AVP 0\r\n"
                + "a=rtcp:" + rtcp.getLocalPort() + "\r\n"
                + "a=sendrecv\r\n";
        }

        @Override
        public void close() {
            rtp.close();
            rtcp.close();
        }
    }

    /** The relay ports advertised to one party. */
    private record RelayPorts(int rtp, int rtcp) {
        static RelayPorts of(final Map<String, Object> reply) {
            assertEquals("ok", reply.get("result"), () -> "reply: " + reply);
            final String sdp = (String)reply.get("sdp");
            final Matcher m = M_PORT.matcher(sdp);
            final Matcher r = RTCP_PORT.matcher(sdp);
            assertTrue(m.find(), sdp);
            final int rtp = Integer.parseInt(m.group(1));
            return new RelayPorts(rtp, r.find() ? Integer.parseInt(r.group(1)) : rtp + 1);
        }
    }


    private static void send(final DatagramSocket from, final int toPort, final byte[] payload) throws IOException {
        from.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(LOOPBACK, toPort)));
    }

    private static DatagramPacket receive(final DatagramSocket socket) throws IOException {
        final DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        return p;
    }

    private static byte[] rtp(final int seq) {
        final byte[] packet = new byte[172];
        packet[0] = (byte)0x80;
        packet[2] = (byte)(seq >> 8);
        packet[3] = (byte)seq;
        packet[11] = 42;
        Arrays.fill(packet, 12, packet.length, (byte)seq);
        return packet;
    }

    private static byte[] rtcp() {
        final byte[] packet = new byte[28];
        packet[0] = (byte)0x80;
        packet[1] = (byte)200;
        packet[3] = 6;
        return packet;
    }

    /** A call between two parties, offer and answer done. */
    private record Established(RelayPorts forA, RelayPorts forB) {
    }

    private static Established establish(final NgClient ng, final String callId, final Party a, final Party b,
        final List<String> flags) {
        final RelayPorts forB = RelayPorts.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("1"), "flags", flags)));
        final RelayPorts forA = RelayPorts.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("2"), "flags", flags)));
        return new Established(forA, forB);
    }

    @Test
    void rtpAndRtcpAreForwardedBothWaysFromTheRelayPortsAdvertisedToEachSide() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start());
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final Established call = establish(ng, "both-ways", a, b, List.of());

        for (int seq = 1; seq <= 20; seq++) {
            send(a.rtp(), call.forA().rtp(), rtp(seq));
            final DatagramPacket atB = receive(b.rtp());
            assertArrayEquals(rtp(seq), Arrays.copyOf(atB.getData(), atB.getLength()));
            assertEquals(call.forB().rtp(), atB.getPort(), "B sees the packet from the port advertised to B");

            send(b.rtp(), call.forB().rtp(), rtp(1000 + seq));
            final DatagramPacket atA = receive(a.rtp());
            assertArrayEquals(rtp(1000 + seq), Arrays.copyOf(atA.getData(), atA.getLength()));
            assertEquals(call.forA().rtp(), atA.getPort());
        }
        send(a.rtcp(), call.forA().rtcp(), rtcp());
        final DatagramPacket rtcpAtB = receive(b.rtcp());
        assertArrayEquals(rtcp(), Arrays.copyOf(rtcpAtB.getData(), rtcpAtB.getLength()));
        send(b.rtcp(), call.forB().rtcp(), rtcp());
        assertEquals(rtcp().length, receive(a.rtcp()).getLength());

        final Map<String, Object> query = ng.call(request("query", "both-ways"));
        assertEquals("ok", query.get("result"));
        final Map<?, ?> totals = (Map<?, ?>)query.get("totals");
        assertEquals(40L, ((Map<?, ?>)totals.get("RTP")).get("packets"));
        assertEquals(40L * 172, ((Map<?, ?>)totals.get("RTP")).get("bytes"));
        assertEquals(2L, ((Map<?, ?>)totals.get("RTCP")).get("packets"));
        assertEquals(0L, ((Map<?, ?>)totals.get("RTP")).get("errors"));
    }

    @Test
    void mediaHandoverRelatchesWhenTheSourceMovesAsAfterANatRebinding() throws Exception {
        // immediate: committed at once (in delayed's window a worse-matching source moves nothing, handover or not)
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--endpoint-learning=immediate"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final Established call = establish(ng, "rebind", a, b, List.of("media-handover"));
        send(a.rtp(), call.forA().rtp(), rtp(1));
        receive(b.rtp());

        final DatagramSocket rebound = closer.track(new DatagramSocket(new InetSocketAddress(LOOPBACK, 0)));
        rebound.setSoTimeout(2_000);
        send(rebound, call.forA().rtp(), rtp(2));
        assertEquals(rtp(2).length, receive(b.rtp()).getLength());
        send(b.rtp(), call.forB().rtp(), rtp(3));
        final DatagramPacket back = receive(rebound);
        assertArrayEquals(rtp(3), Arrays.copyOf(back.getData(), back.getLength()), "B's media follows A's new port");
    }

    @Test
    void strictSourceDropsAndCountsPacketsFromAForeignSource() throws Exception {
        // immediate: committed at the first packet (delayed would forward the intruder in the 3 s window, as rtpengine)
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--endpoint-learning=immediate"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final Established call = establish(ng, "strict", a, b, List.of("strict-source"));
        send(a.rtp(), call.forA().rtp(), rtp(1));
        receive(b.rtp());

        final DatagramSocket intruder = closer.track(new DatagramSocket(new InetSocketAddress(LOOPBACK, 0)));
        send(intruder, call.forA().rtp(), rtp(2));
        send(a.rtp(), call.forA().rtp(), rtp(3));
        final DatagramPacket next = receive(b.rtp());
        assertArrayEquals(rtp(3), Arrays.copyOf(next.getData(), next.getLength()), "the intruder's packet is dropped");

        final Map<?, ?> totals = (Map<?, ?>)ng.call(request("query", "strict")).get("totals");
        assertEquals(1L, ((Map<?, ?>)totals.get("RTP")).get("errors"));
    }

    @Test
    void aCallWithoutMediaIsDeletedByTheTimeoutAndItsPortsReturn() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--timeout=1"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final int freeBefore = relay.daemon().media().ports().freePorts();
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        establish(ng, "silent", a, b, List.of());
        assertEquals(freeBefore - 4, relay.daemon().media().ports().freePorts());

        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        Map<String, Object> query = ng.call(request("query", "silent"));
        while ("ok".equals(query.get("result")) && System.nanoTime() < deadlineNs) {
            LockSupport.parkNanos(10_000_000L);
            query = ng.call(request("query", "silent"));
        }
        assertEquals("error", query.get("result"));
        assertEquals("Unknown call-id", query.get("error-reason"));
        awaitFreePorts(relay, freeBefore);
    }

    @Test
    void tenThousandOfferDeleteCyclesLeaveThePortPoolAsItStarted() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--delete-delay=0"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final int freeBefore = relay.daemon().media().ports().freePorts();
        final Party a = closer.track(Party.open());
        for (int i = 0; i < 10_000; i++) {
            final String callId = "cycle-" + i;
            final Map<String, Object> offer = ng.call(request("offer", callId, "from-tag", "a", "sdp", a.sdp("1")));
            assertEquals("ok", offer.get("result"), () -> callId + ": " + offer);
            final Map<String, Object> delete = ng.call(request("delete", callId, "from-tag", "a"));
            assertEquals("ok", delete.get("result"), () -> callId + ": " + delete);
        }
        awaitFreePorts(relay, freeBefore);
        final Map<String, Object> list = ng.call(request("list", "x"));
        assertEquals(List.of(), list.get("calls"));
    }

    @Test
    void anExhaustedPortPoolIsAClearErrorAndTheCallsItHasGoOn() throws Exception {
        final int portMin = FreePorts.mediaRange(4);
        final RtprelayTarget relay =
            closer.track(RtprelayTarget.start("--port-min=" + portMin, "--port-max=" + (portMin + 3)));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final Established first = establish(ng, "first", a, b, List.of());
        final Map<String, Object> refused = ng.call(request("offer", "second", "from-tag", "c", "sdp", a.sdp("3")));
        assertEquals("error", refused.get("result"));
        assertEquals("Ran out of ports", refused.get("error-reason"));
        assertEquals("error", ng.call(request("query", "second")).get("result"), "a refused call leaves nothing");
        send(a.rtp(), first.forA().rtp(), rtp(7));
        assertNotNull(receive(b.rtp()));
    }

    @Test
    void brokenSdpAndUnknownCallsAreClearErrorsAndTheLiveCallGoesOn() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start());
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final Established live = establish(ng, "live", a, b, List.of());
        final int freeBefore = relay.daemon().media().ports().freePorts();

        for (final String broken : List.of("", "garbage", "v=0\r\nm=audio notaport RTP/AVP 0\r\n",
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")) {
            final Map<String, Object> reply = ng.call(request("offer", "broken", "from-tag", "x", "sdp", broken));
            assertEquals("error", reply.get("result"), () -> "for " + broken + ": " + reply);
            assertNotNull(reply.get("error-reason"));
        }
        final Map<String, Object> answer = ng.call(request("answer", "nobody", "from-tag", "x", "to-tag", "y",
            "sdp", a.sdp("9")));
        assertEquals("error", answer.get("result"));
        assertEquals("Unknown call-id", answer.get("error-reason"));
        final Map<String, Object> delete = ng.call(request("delete", "nobody", "from-tag", "x"));
        assertEquals("ok", delete.get("result"), "rtpengine answers a delete of an unknown call ok");
        assertEquals("Call-ID not found or tags didn't match", delete.get("warning"));
        assertEquals(freeBefore, relay.daemon().media().ports().freePorts(), "failed commands leak no port");
        assertEquals("error", ng.call(request("query", "broken")).get("result"), "a refused offer leaves no call");

        send(a.rtp(), live.forA().rtp(), rtp(5));
        final DatagramPacket atB = receive(b.rtp());
        assertArrayEquals(rtp(5), Arrays.copyOf(atB.getData(), atB.getLength()));
    }

    @Test
    void overMaxSessionsANewCallGetsLoadLimitWhileTheExistingCallIsStillServed() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--max-sessions=1"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final Established first = establish(ng, "only", a, b, List.of());

        final Map<String, Object> refused = ng.call(request("offer", "one-too-many", "from-tag", "c",
            "sdp", a.sdp("5"), "supports", List.of("load limit")));
        assertEquals("load limit", refused.get("result"), () -> "reply " + refused);
        assertEquals("error", ng.call(request("query", "one-too-many")).get("result"));

        final Map<String, Object> reOffer = ng.call(request("offer", "only", "from-tag", "a", "to-tag", "b",
            "sdp", a.sdp("1")));
        assertEquals("ok", reOffer.get("result"), "a re-offer of an existing call is never refused");
        assertEquals(first.forB(), RelayPorts.of(reOffer), "the re-offer keeps the ports");
        send(a.rtp(), first.forA().rtp(), rtp(9));
        assertEquals(172, receive(b.rtp()).getLength());
    }

    @Test
    void finalTimeoutEndsEvenACallWithMediaAndDeleteDelayKeepsADeletedCallForAWhile() throws Exception {
        final RtprelayTarget relay = closer.track(RtprelayTarget.start("--final-timeout=2", "--delete-delay=1"));
        final NgClient ng = closer.track(new NgClient(relay.ngAddress()));
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        establish(ng, "delayed", a, b, List.of());
        assertEquals("ok", ng.call(request("delete", "delayed", "from-tag", "a")).get("result"));
        assertEquals("ok", ng.call(request("query", "delayed")).get("result"), "delete-delay keeps it for now");
        awaitGone(ng, "delayed");

        final Established busy = establish(ng, "busy", a, b, List.of());
        final long startNs = System.nanoTime();
        int seq = 0;
        Map<String, Object> query = ng.call(request("query", "busy"));
        while ("ok".equals(query.get("result")) && System.nanoTime() - startNs < 10_000_000_000L) {
            send(a.rtp(), busy.forA().rtp(), rtp(++seq));
            query = ng.call(request("query", "busy"));
            LockSupport.parkNanos(10_000_000L);
        }
        assertEquals("Unknown call-id", query.get("error-reason"), "final-timeout deleted the call");
        assertTrue(System.nanoTime() - startNs >= 1_500_000_000L, "not before its final timeout");
    }

    private static void awaitGone(final NgClient ng, final String callId) {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        Map<String, Object> query = ng.call(request("query", callId));
        while ("ok".equals(query.get("result")) && System.nanoTime() < deadlineNs) {
            LockSupport.parkNanos(10_000_000L);
            query = ng.call(request("query", callId));
        }
        assertEquals("Unknown call-id", query.get("error-reason"));
    }

    private static void awaitFreePorts(final RtprelayTarget relay, final int expected) {
        final long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (relay.daemon().media().ports().freePorts() != expected && System.nanoTime() < deadlineNs) {
            LockSupport.parkNanos(10_000_000L);
        }
        assertEquals(expected, relay.daemon().media().ports().freePorts());
    }
}
