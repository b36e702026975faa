package io.rtprelay.control.ng;

import io.rtprelay.control.testkit.NgClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class NgServerTest {
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final NgCommandAdapter adapter = new NgCommandAdapter();

    @AfterEach
    void closeAll() throws Exception {
        for (final AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private NgServer start(final InetSocketAddress... listen) throws IOException {
        final NgServer server = new NgServer(List.of(listen), adapter);
        open.add(server);
        server.start();
        return server;
    }

    private NgClient client(final InetSocketAddress server) {
        final NgClient client = new NgClient(server);
        open.add(client);
        return client;
    }

    private static InetAddress ipv6Loopback() {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            return probe.getLocalAddress();
        } catch (final IOException e) {
            return null;
        }
    }

    private static Map<String, Object> ok(final Object... keysAndValues) {
        final Map<String, Object> reply = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            reply.put((String)keysAndValues[i], keysAndValues[i + 1]);
        }
        reply.put("result", "ok");
        return reply;
    }

    @Test
    void answersPing() throws IOException {
        final NgServer server = start(new InetSocketAddress(V4, 0));
        final NgClient client = client(server.boundAddresses().getFirst());
        assertArrayEquals("d6:result4:ponge".getBytes(StandardCharsets.US_ASCII),
            client.exchange("p1", Bencode.encode(Map.of("command", "ping"))));
        assertEquals(1, server.received());
    }

    @Test
    void aRetransmittedCookieGetsTheSameBytesWithoutRunningTheCommandAgain() throws IOException {
        final AtomicInteger runs = new AtomicInteger();
        adapter.register("offer", r -> ok("sdp", r.sdp() + " run " + runs.incrementAndGet()));
        final NgServer server = start(new InetSocketAddress(V4, 0));
        final byte[] offer = Bencode.encode(Map.of("command", "offer", "call-id", "c", "from-tag", "f", "sdp", "v=0"));
        final byte[] first = client(server.boundAddresses().getFirst()).exchange("r1", offer);
        // the retransmission may come from another socket, and its body is not even looked at
        final byte[] again = client(server.boundAddresses().getFirst()).exchange("r1", offer);
        final byte[] garbage = client(server.boundAddresses().getFirst()).exchange("r1", "xyz".getBytes());
        assertArrayEquals(first, again);
        assertArrayEquals(first, garbage);
        assertEquals(1, runs.get());
        assertEquals(2, adapter.duplicates());
        assertEquals("v=0 run 2", NgClient.decode(client(server.boundAddresses().getFirst())
            .exchange("r2", offer)).get("sdp"));
    }

    @Test
    void aRetransmissionDuringASlowCommandIsAnsweredWithItsReplyOnce() throws Exception {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger runs = new AtomicInteger();
        adapter.register("offer", r -> {
            runs.incrementAndGet();
            entered.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ok("sdp", "slow");
        });
        final NgServer server = start(new InetSocketAddress(V4, 0));
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(V4, 0))) {
            socket.connect(server.boundAddresses().getFirst());
            socket.setSoTimeout(5_000);
            final byte[] request = "slow1 d7:command5:offere".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(request, request.length));
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            socket.send(new DatagramPacket(request, request.length));
            release.countDown();
            final byte[] first = receive(socket);
            final byte[] second = receive(socket);
            assertArrayEquals(first, second);
            assertEquals("slow1 d3:sdp4:slow6:result2:oke", new String(first, StandardCharsets.US_ASCII));
        }
        assertEquals(1, runs.get());
        assertEquals(1, adapter.duplicates());
    }

    private static byte[] receive(final DatagramSocket socket) throws IOException {
        final DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    @Test
    void keysAndFlagsAreFoundUnderEverySpelling() throws IOException {
        adapter.register("delete", r -> ok("call-id", r.callId(), "delay", r.integer("delete delay"),
            "trust", r.flag("trust-address") ? "yes" : "no"));
        final NgServer server = start(new InetSocketAddress(V4, 0));
        final NgClient client = client(server.boundAddresses().getFirst());
        for (final String callIdKey : List.of("call-id", "call_id", "call id")) {
            for (final String delayKey : List.of("delete delay", "delete-delay", "delete_delay")) {
                final Map<String, Object> request = new LinkedHashMap<>();
                request.put("command", "delete");
                request.put(callIdKey, "abc");
                request.put(delayKey, "30");
                request.put("flags", List.of("trust address"));
                assertEquals(ok("call-id", "abc", "delay", 30L, "trust", "yes"), client.call(request),
                    callIdKey + " / " + delayKey);
            }
        }
    }

    @Test
    void aBuggyHandlerGetsAGenericErrorAndTheServerCarriesOn() throws IOException {
        adapter.register("offer", r -> {
            throw new IllegalStateException("boom");
        });
        final NgServer server = start(new InetSocketAddress(V4, 0));
        final NgClient client = client(server.boundAddresses().getFirst());
        for (int i = 0; i < 3; i++) {
            assertEquals(Map.of("result", "error", "error-reason", NgCommandAdapter.INTERNAL_ERROR),
                client.call(Map.of("command", "offer")));
        }
        assertEquals(Map.of("result", "pong"), client.call(Map.of("command", "ping")));
        assertEquals(3, adapter.internalErrors());
    }

    @Test
    void keepsAnsweringAfterMalformedDatagrams() throws IOException {
        final NgServer server = start(new InetSocketAddress(V4, 0));
        final NgClient client = client(server.boundAddresses().getFirst());
        // (an empty datagram is ignored too, see NgCommandAdapterTest; Java cannot send one: NIO skips empty writes)
        for (final String bad : List.of("nocookie", " d7:command4:pinge", "x1 ", "x2 garbage", "x3 d7:comm",
            "x4 li1ee", "x5 d7:commandi5ee", "x6 d7:command3:fooe", "x7 " + "l".repeat(10_000))) {
            final byte[] datagram = bad.getBytes(StandardCharsets.US_ASCII);
            if (bad.startsWith("x")) {
                final Map<String, Object> reply = NgClient.decode(client.exchangeRaw(datagram, bad.split(" ")[0]));
                assertEquals("error", reply.get("result"), bad);
            } else {
                assertTrue(client.sendExpectingSilence(datagram, 200), bad);
            }
            assertEquals(Map.of("result", "pong"), client.call(Map.of("command", "ping")), bad);
        }
    }

    @Test
    void aDatagramLargerThanAnIpv4OneGetsAnError() throws IOException {
        final InetAddress v6 = ipv6Loopback();
        assumeTrue(v6 != null, "no IPv6 loopback");
        final NgServer server = start(new InetSocketAddress(v6, 0));
        final NgClient client = client(server.boundAddresses().getFirst());
        final byte[] big = new byte[NgCommandAdapter.MAX_DATAGRAM + 13];
        Arrays.fill(big, (byte)'x');
        System.arraycopy("huge1 d7:command4:ping".getBytes(StandardCharsets.US_ASCII), 0, big, 0, 22);
        assertEquals(Map.of("result", "error", "error-reason", NgCommandAdapter.DATAGRAM_TOO_LARGE),
            NgClient.decode(client.exchangeRaw(big, "huge1")));
        assertEquals(1, server.oversized());
        assertEquals(Map.of("result", "pong"), client.call(Map.of("command", "ping")));
    }

    @Test
    void aWildcardIsBoundOnEveryInterfaceAddressOnOnePortAndAnswersFromTheAddressAsked() throws IOException {
        final NgServer server = start(new InetSocketAddress("0.0.0.0", 0));
        final List<InetSocketAddress> bound = server.boundAddresses();
        final int port = bound.getFirst().getPort();
        assertTrue(port > 0);
        for (final InetSocketAddress a : bound) {
            assertFalse(a.getAddress().isAnyLocalAddress(), bound.toString());
            assertEquals(port, a.getPort(), bound.toString());
            assertFalse(a.getAddress() instanceof Inet6Address, bound.toString());
        }
        final InetSocketAddress loopback = new InetSocketAddress(V4, port);
        assertTrue(bound.contains(loopback), bound.toString());
        // NgClient's socket is connected: it only takes a reply from exactly 127.0.0.1:port
        assertEquals(Map.of("result", "pong"), client(loopback).call(Map.of("command", "ping")));
    }

    @Test
    void theIpv6WildcardCoversBothFamilies() throws IOException {
        final InetAddress v6 = ipv6Loopback();
        assumeTrue(v6 != null, "no IPv6 loopback");
        final NgServer server = start(new InetSocketAddress("::", 0));
        final int port = server.boundAddresses().getFirst().getPort();
        for (final InetAddress loopback : List.of(V4, v6)) {
            final InetSocketAddress address = new InetSocketAddress(loopback, port);
            assertTrue(server.boundAddresses().contains(address), server.boundAddresses().toString());
            assertEquals(Map.of("result", "pong"), client(address).call(Map.of("command", "ping")));
        }
    }

    @Test
    void closingFreesThePortAndStopsAnswering() throws IOException {
        final NgServer server = start(new InetSocketAddress(V4, 0));
        final InetSocketAddress address = server.boundAddresses().getFirst();
        assertEquals(Map.of("result", "pong"), client(address).call(Map.of("command", "ping")));
        server.close();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(V4, 0))) {
            socket.connect(address);
            socket.setSoTimeout(300);
            final byte[] ping = "c1 d7:command4:pinge".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(ping, ping.length));
            try {
                receive(socket);
                throw new AssertionError("a reply after close");
            } catch (final PortUnreachableException | SocketTimeoutException expected) {
                // nobody listens any more
            }
        }
        try (DatagramSocket again = new DatagramSocket(address)) {
            assertEquals(address.getPort(), again.getLocalPort());
        }
    }

    @Test
    void nothingComesBackForADatagramWithoutCookie() throws IOException {
        final NgServer server = start(new InetSocketAddress(V4, 0));
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(V4, 0))) {
            socket.connect(server.boundAddresses().getFirst());
            socket.setSoTimeout(300);
            final byte[] noCookie = "d7:command4:pinge".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(noCookie, noCookie.length));
            try {
                receive(socket);
                throw new AssertionError("a reply to a datagram without cookie");
            } catch (final SocketTimeoutException expected) {
                assertEquals(1, adapter.ignored());
            }
        }
    }
}
