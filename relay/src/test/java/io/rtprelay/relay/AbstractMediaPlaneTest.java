package io.rtprelay.relay;

import io.netty.channel.ChannelOption;
import io.rtprelay.relay.forward.DropReason;
import io.rtprelay.relay.stream.LatchMode;
import io.rtprelay.relay.stream.StreamProxy;
import io.rtprelay.relay.testkit.Await;
import io.rtprelay.relay.testkit.LeakCheck;
import io.rtprelay.relay.testkit.TestPorts;
import io.rtprelay.relay.testkit.UdpEndpoint;
import io.rtprelay.relay.testkit.UdpEndpoint.Received;
import io.rtprelay.relay.transport.Transports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The data plane over real UDP sockets on loopback, with plain java.net sockets as the phones; run once per
 * transport by the subclasses, each skipped where its transport is unavailable.
 */
abstract class AbstractMediaPlaneTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String CALL = "call-1@test";
    private static final int TOS_EF = 184;

    static {
        LeakCheck.install();
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private MediaPlane plane;
    private int firstPort;

    /** @return the transport name this run uses. */
    abstract String transport();

    @BeforeEach
    void requireTransport() {
        assumeTrue(Transports.isAvailable(transport()),
            () -> transport() + " unavailable: " + Transports.unavailabilityCause(transport()));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (final AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        closeables.clear();
    }

    @AfterAll
    static void noBufferLeaked() {
        LeakCheck.assertNoLeaks();
    }

    private MediaPlane plane(final int pairs) {
        firstPort = TestPorts.freeRange(pairs);
        plane = new MediaPlane(new MediaPlaneConfig(transport(), 2, firstPort, firstPort + 2 * pairs - 1, TOS_EF));
        closeables.add(plane);
        return plane;
    }

    private UdpEndpoint endpoint() {
        final UdpEndpoint e = new UdpEndpoint();
        closeables.add(e);
        return e;
    }

    private MediaSocketPair open() throws PortsExhaustedException {
        final MediaSocketPair pair = plane.openPair(UdpEndpoint.LOOPBACK, CALL);
        closeables.add(pair::close);
        return pair;
    }

    private static void await(final io.netty.util.concurrent.Future<?> task) {
        task.syncUninterruptibly();
    }

    private static void bind(final StreamProxy proxy, final InetSocketAddress sdp, final LatchMode mode,
                             final StreamProxy peer) {
        await(proxy.bind(sdp, mode, peer.stream()));
    }

    private static byte[] payload(final String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertReceived(final Received r, final String text, final int fromPort) {
        assertArrayEquals(payload(text), r.payload(), "payload");
        assertEquals(new InetSocketAddress(UdpEndpoint.LOOPBACK, fromPort), r.from(), "source of the relayed packet");
    }

    @Test
    @Timeout(30)
    void forwardsBothWaysOutOfThePeerSocketIntact() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint phoneA = endpoint();
        final UdpEndpoint phoneB = endpoint();
        bind(a.rtp().proxy(), phoneA.address(), LatchMode.LATCH, b.rtp().proxy());
        bind(b.rtp().proxy(), phoneB.address(), LatchMode.LATCH, a.rtp().proxy());

        phoneA.send(payload("hello from A"), a.rtp().port());
        assertReceived(phoneB.receive(WAIT), "hello from A", b.rtp().port());
        phoneB.send(payload("hello from B"), b.rtp().port());
        assertReceived(phoneA.receive(WAIT), "hello from B", a.rtp().port());

        assertEquals(a.rtp().port() + 1, a.rtcp().port());
        assertEquals(0, a.rtp().port() % 2);
        assertEquals(0, plane.counters().errors());
    }

    @Test
    @Timeout(30)
    void forwardsOverIpv6() throws Exception {
        plane(8);
        final MediaSocketPair a = plane.openPair(UdpEndpoint.LOOPBACK6, CALL);
        closeables.add(a::close);
        final MediaSocketPair b = plane.openPair(UdpEndpoint.LOOPBACK6, CALL);
        closeables.add(b::close);
        final UdpEndpoint phoneA = new UdpEndpoint(UdpEndpoint.LOOPBACK6);
        closeables.add(phoneA);
        final UdpEndpoint phoneB = new UdpEndpoint(UdpEndpoint.LOOPBACK6);
        closeables.add(phoneB);
        bind(a.rtp().proxy(), phoneA.address(), LatchMode.LATCH, b.rtp().proxy());
        bind(b.rtp().proxy(), phoneB.address(), LatchMode.LATCH, a.rtp().proxy());

        phoneA.send(payload("v6 from A"), a.rtp().port());
        final Received atB = phoneB.receive(WAIT);
        assertArrayEquals(payload("v6 from A"), atB.payload());
        assertEquals(new InetSocketAddress(UdpEndpoint.LOOPBACK6, b.rtp().port()), atB.from());
        phoneB.send(payload("v6 from B"), b.rtp().port());
        assertEquals(new InetSocketAddress(UdpEndpoint.LOOPBACK6, a.rtp().port()), phoneA.receive(WAIT).from());
        assertEquals(phoneA.address(), a.rtp().proxy().learnedEndpoint());
    }

    @Test
    @Timeout(30)
    void forwardsRtcpBetweenTheOddPorts() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint rtcpA = endpoint();
        final UdpEndpoint rtcpB = endpoint();
        bind(a.rtcp().proxy(), rtcpA.address(), LatchMode.LATCH, b.rtcp().proxy());
        bind(b.rtcp().proxy(), rtcpB.address(), LatchMode.LATCH, a.rtcp().proxy());

        rtcpA.send(payload("SR from A"), a.rtcp().port());
        assertReceived(rtcpB.receive(WAIT), "SR from A", b.rtp().port() + 1);
        rtcpB.send(payload("RR from B"), b.rtcp().port());
        assertReceived(rtcpA.receive(WAIT), "RR from B", a.rtp().port() + 1);
        assertEquals(1, a.rtcp().stream().packetsIn());
        assertEquals(0, a.rtp().stream().packetsIn());
    }

    @Test
    @Timeout(30)
    void latchesToTheFirstSourceAndRelatchesWhenItMovesUnderMediaHandover() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint natA = endpoint();
        final UdpEndpoint phoneB = endpoint();
        // A's SDP address is useless (behind NAT): unknown here, so only latching can reach A.
        bind(a.rtp().proxy(), null, LatchMode.HANDOVER, b.rtp().proxy());
        bind(b.rtp().proxy(), phoneB.address(), LatchMode.LATCH, a.rtp().proxy());

        natA.send(payload("first"), a.rtp().port());
        assertReceived(phoneB.receive(WAIT), "first", b.rtp().port());
        assertEquals(natA.address(), a.rtp().proxy().learnedEndpoint());
        phoneB.send(payload("to latched A"), b.rtp().port());
        assertReceived(natA.receive(WAIT), "to latched A", a.rtp().port());

        final UdpEndpoint reboundA = endpoint();
        reboundA.send(payload("after rebinding"), a.rtp().port());
        assertReceived(phoneB.receive(WAIT), "after rebinding", b.rtp().port());
        phoneB.send(payload("to the new source"), b.rtp().port());
        assertReceived(reboundA.receive(WAIT), "to the new source", a.rtp().port());

        assertEquals(1, a.rtp().proxy().relatches());
        assertEquals(reboundA.address(), a.rtp().proxy().endpoint());
        assertEquals(0, plane.counters().errors());
    }

    @Test
    @Timeout(30)
    void strictSourceDropsAndCountsAForeignSource() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint phoneA = endpoint();
        final UdpEndpoint intruder = endpoint();
        final UdpEndpoint phoneB = endpoint();
        bind(a.rtp().proxy(), phoneA.address(), LatchMode.STRICT_SOURCE, b.rtp().proxy());
        bind(b.rtp().proxy(), phoneB.address(), LatchMode.LATCH, a.rtp().proxy());

        phoneA.send(payload("genuine 1"), a.rtp().port());
        assertReceived(phoneB.receive(WAIT), "genuine 1", b.rtp().port());
        intruder.send(payload("forged"), a.rtp().port());
        Await.until(() -> plane.counters().drops(DropReason.FOREIGN_SOURCE) == 1, WAIT,
            () -> "FOREIGN_SOURCE drops: " + plane.counters().drops(DropReason.FOREIGN_SOURCE));
        phoneA.send(payload("genuine 2"), a.rtp().port());
        // had the forged packet been forwarded, it would arrive first
        assertReceived(phoneB.receive(WAIT), "genuine 2", b.rtp().port());
        phoneB.send(payload("back"), b.rtp().port());
        assertReceived(phoneA.receive(WAIT), "back", a.rtp().port());

        assertEquals(1, a.rtp().proxy().errorsIn());
        assertEquals(2, a.rtp().proxy().packetsIn());
        assertEquals(0, a.rtp().proxy().relatches());
        assertEquals(phoneA.address(), a.rtp().proxy().endpoint());
        assertNull(intruder.poll(Duration.ofMillis(1)));
    }

    @Test
    @Timeout(30)
    void asymmetricSendsToTheSdpEndpointWhateverTheSource() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint sdpA = endpoint();
        final UdpEndpoint sendingA = endpoint();
        final UdpEndpoint phoneB = endpoint();
        bind(a.rtp().proxy(), sdpA.address(), LatchMode.ASYMMETRIC, b.rtp().proxy());
        bind(b.rtp().proxy(), phoneB.address(), LatchMode.LATCH, a.rtp().proxy());

        sendingA.send(payload("from elsewhere"), a.rtp().port());
        assertReceived(phoneB.receive(WAIT), "from elsewhere", b.rtp().port());
        phoneB.send(payload("to the SDP address"), b.rtp().port());
        assertReceived(sdpA.receive(WAIT), "to the SDP address", a.rtp().port());
        sdpA.send(payload("from the SDP address"), a.rtp().port());
        assertReceived(phoneB.receive(WAIT), "from the SDP address", b.rtp().port());

        assertNull(a.rtp().proxy().learnedEndpoint());
        assertEquals(0, a.rtp().proxy().relatches());
        assertEquals(sdpA.address(), a.rtp().proxy().endpoint());
        assertNull(sendingA.poll(Duration.ofMillis(1)));
        assertEquals(0, plane.counters().errors());
    }

    @Test
    @Timeout(30)
    void dropsAndCountsWhenThereIsNoDestination() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint phoneA = endpoint();
        // B is on hold (0.0.0.0) and has sent nothing: no endpoint to send A's packet to.
        bind(a.rtp().proxy(), phoneA.address(), LatchMode.LATCH, b.rtp().proxy());
        bind(b.rtp().proxy(), new InetSocketAddress("0.0.0.0", 9), LatchMode.LATCH, a.rtp().proxy());
        phoneA.send(payload("into the void"), a.rtp().port());
        Await.until(() -> plane.counters().drops(DropReason.NO_DESTINATION) == 1, WAIT,
            () -> String.valueOf(plane.counters()));

        // A socket with no peer yet (offer without answer).
        phoneA.send(payload("no answer yet"), a.rtcp().port());
        Await.until(() -> plane.counters().drops(DropReason.NO_PEER) == 1, WAIT,
            () -> String.valueOf(plane.counters()));

        assertEquals(1, a.rtp().proxy().errorsIn());
        assertEquals(1, a.rtcp().proxy().errorsIn());
        assertEquals(2, plane.counters().errors());
        assertEquals(0, plane.counters().packetsRelayed());
        assertEquals(2, plane.counters().packetsReceived());
    }

    @Test
    @Timeout(30)
    void countsASendTheSocketRefusesAsWriteFailed() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint phoneA = endpoint();
        // B's socket is IPv4; an IPv6 endpoint cannot be sent to from it
        bind(a.rtp().proxy(), phoneA.address(), LatchMode.LATCH, b.rtp().proxy());
        bind(b.rtp().proxy(), new InetSocketAddress("::1", 9), LatchMode.ASYMMETRIC, a.rtp().proxy());
        phoneA.send(payload("unsendable"), a.rtp().port());
        Await.until(() -> plane.counters().drops(DropReason.WRITE_FAILED) == 1, WAIT,
            () -> String.valueOf(plane.counters()));
        assertEquals(1, b.rtp().proxy().errorsOut());
        assertEquals(1, b.rtp().proxy().packetsOut());
        assertEquals(0, a.rtp().proxy().errorsIn());
    }

    @Test
    @Timeout(30)
    void dropsWhenThePeerSocketIsClosed() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint phoneA = endpoint();
        final UdpEndpoint phoneB = endpoint();
        bind(a.rtp().proxy(), phoneA.address(), LatchMode.LATCH, b.rtp().proxy());
        bind(b.rtp().proxy(), phoneB.address(), LatchMode.LATCH, a.rtp().proxy());
        b.close();
        b.rtp().channel().closeFuture().syncUninterruptibly();
        phoneA.send(payload("too late"), a.rtp().port());
        Await.until(() -> plane.counters().drops(DropReason.PEER_CLOSED) == 1, WAIT,
            () -> String.valueOf(plane.counters()));
        assertEquals(1, a.rtp().proxy().errorsIn());
        Await.until(() -> plane.ports().freePorts() == plane.ports().totalPorts() - 2, WAIT,
            () -> String.valueOf(plane.ports()));
    }

    @Test
    @Timeout(30)
    void blockedStreamDropsUntilUnblocked() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint phoneA = endpoint();
        final UdpEndpoint phoneB = endpoint();
        bind(a.rtp().proxy(), phoneA.address(), LatchMode.LATCH, b.rtp().proxy());
        bind(b.rtp().proxy(), phoneB.address(), LatchMode.LATCH, a.rtp().proxy());

        await(a.rtp().proxy().block(true));
        phoneA.send(payload("muted"), a.rtp().port());
        Await.until(() -> plane.counters().drops(DropReason.BLOCKED) == 1, WAIT,
            () -> String.valueOf(plane.counters()));
        await(a.rtp().proxy().block(false));
        phoneA.send(payload("unmuted"), a.rtp().port());
        assertReceived(phoneB.receive(WAIT), "unmuted", b.rtp().port());
        assertEquals(2, a.rtp().proxy().packetsIn());
        assertEquals(1, a.rtp().proxy().errorsIn());
    }

    @Test
    @Timeout(30)
    void countersMatchThePacketsSent() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        final MediaSocketPair b = open();
        final UdpEndpoint phoneA = endpoint();
        final UdpEndpoint phoneB = endpoint();
        bind(a.rtp().proxy(), phoneA.address(), LatchMode.LATCH, b.rtp().proxy());
        bind(b.rtp().proxy(), phoneB.address(), LatchMode.LATCH, a.rtp().proxy());

        final int packets = 200;
        long bytesAtoB = 0;
        long bytesBtoA = 0;
        final long startNs = System.nanoTime();
        for (int i = 0; i < packets; i++) {
            final byte[] fromA = new byte[12 + i % 160];
            fromA[0] = (byte)0x80;
            fromA[fromA.length - 1] = (byte)i;
            phoneA.send(fromA, a.rtp().port());
            bytesAtoB += fromA.length;
            final Received atB = phoneB.receive(WAIT);
            assertArrayEquals(fromA, atB.payload());
            final byte[] fromB = new byte[20 + i % 7];
            fromB[1] = (byte)i;
            phoneB.send(fromB, b.rtp().port());
            bytesBtoA += fromB.length;
            assertArrayEquals(fromB, phoneA.receive(WAIT).payload());
        }

        final StreamProxy inA = a.rtp().proxy();
        final StreamProxy inB = b.rtp().proxy();
        assertEquals(packets, inA.packetsIn());
        assertEquals(bytesAtoB, inA.bytesIn());
        assertEquals(packets, inB.packetsOut());
        assertEquals(bytesAtoB, inB.bytesOut());
        assertEquals(packets, inB.packetsIn());
        assertEquals(bytesBtoA, inB.bytesIn());
        assertEquals(packets, inA.packetsOut());
        assertEquals(bytesBtoA, inA.bytesOut());
        assertEquals(0, inA.errorsIn() + inB.errorsIn() + inA.errorsOut() + inB.errorsOut());
        assertEquals(2L * packets, plane.counters().packetsRelayed());
        assertEquals(bytesAtoB + bytesBtoA, plane.counters().bytesRelayed());
        assertEquals(2L * packets, plane.counters().packetsReceived());
        assertEquals(0, plane.counters().errors());
        assertEquals(true, inA.hasReceived());
        assertEquals(true, inA.firstPacketNs() - startNs >= 0 && inA.lastPacketNs() - inA.firstPacketNs() >= 0);
    }

    @Test
    @Timeout(30)
    void setsTheConfiguredTosAndBuffersOnEverySocket() throws Exception {
        plane(8);
        final MediaSocketPair a = open();
        for (final MediaSocket s : List.of(a.rtp(), a.rtcp())) {
            assertEquals(TOS_EF, s.channel().config().getOption(ChannelOption.IP_TOS));
            assertEquals(true, s.channel().config().getOption(ChannelOption.SO_RCVBUF) > 0);
        }
    }

    @Test
    @Timeout(120)
    void tenThousandOpenCloseCyclesLeaveThePoolAsItStarted() throws Exception {
        final int pairs = 32;
        plane(pairs);
        final int free = plane.ports().freePorts();
        assertEquals(2 * pairs, free);
        for (int i = 0; i < 10_000; i++) {
            final MediaSocketPair pair = plane.openPair(UdpEndpoint.LOOPBACK, "cycle-" + i);
            pair.close();
        }
        Await.until(() -> plane.ports().freePorts() == free, WAIT,
            () -> "free ports " + plane.ports().freePorts() + " of " + free);
        Await.until(() -> TestPorts.allBindable(firstPort, 2 * pairs), WAIT,
            () -> "still bound: " + TestPorts.unbindable(firstPort, 2 * pairs));
    }

    @Test
    @Timeout(30)
    void exhaustedPoolThrowsUntilAPairIsClosed() throws Exception {
        plane(2);
        final MediaSocketPair first = open();
        open();
        assertEquals(0, plane.ports().freePorts());
        assertThrows(PortsExhaustedException.class, () -> plane.openPair(UdpEndpoint.LOOPBACK, CALL));
        first.close();
        Await.until(() -> plane.ports().freePorts() == 2, WAIT, () -> String.valueOf(plane.ports()));
        assertEquals(first.rtp().port(), open().rtp().port());
    }

    @Test
    @Timeout(30)
    void skipsAPairWhosePortAnotherSocketHolds() throws Exception {
        plane(3);
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(UdpEndpoint.LOOPBACK,
            firstPort + 1))) {
            // the first pair's RTCP port is taken: the pool moves on to the second pair
            final MediaSocketPair pair = open();
            assertEquals(firstPort + 2, pair.rtp().port());
            assertEquals(4, plane.ports().freePorts(), "the skipped pair went back to the pool");
            try (DatagramSocket squatter2 = new DatagramSocket(new InetSocketAddress(UdpEndpoint.LOOPBACK,
                firstPort + 4))) {
                assertThrows(PortsExhaustedException.class, () -> plane.openPair(UdpEndpoint.LOOPBACK, CALL));
                assertEquals(4, plane.ports().freePorts());
                squatter2.getLocalPort();
            }
            squatter.getLocalPort();
        }
    }

    @Test
    @Timeout(30)
    void refusesToOpenOnAMediaLoop() throws Exception {
        plane(2);
        final Object result = plane.loopFor(CALL).submit(() -> {
            try {
                return plane.openPair(UdpEndpoint.LOOPBACK, CALL);
            } catch (final IllegalStateException expected) {
                return expected;
            }
        }).get(5, TimeUnit.SECONDS);
        assertInstanceOf(IllegalStateException.class, result);
        assertEquals(4, plane.ports().freePorts());
    }
}
