package io.rtprelay.kernel;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernel path on a real kernel, in three network namespaces joined by veth pairs: endpoint A (192.0.2.2, and a
 * foreign 192.0.2.3) — relay (192.0.2.1 | 198.51.100.1, the program attached at tc ingress of both veths) —
 * endpoint B (198.51.100.2). A's veth computes UDP checksums in software (offload off), so B's stack verifies the
 * checksums the program updated; B's are left to offload. Proving "userspace saw nothing" needs no sleeps: after the
 * kernel-forwarded datagrams a STUN datagram (which the program always passes up) is sent on the same path, and it
 * must be the first thing the relay's socket receives. Needs root and a kernel that loads the program (CI: root on
 * Debian 12 with scripts/install-deps.sh's packages); skipped, saying why, otherwise.
 */
@Timeout(60)
class KernelPathNetnsTest {
    private static final int RECEIVE_TIMEOUT_MS = 3000;
    private static final String ID = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private static final String NS_A = "rtpk-" + ID + "-a";
    private static final String NS_R = "rtpk-" + ID + "-r";
    private static final String NS_B = "rtpk-" + ID + "-b";
    private static final String VETH_A = "rtpk" + ID + "a";
    private static final String VETH_RA = "rtpk" + ID + "ra";
    private static final String VETH_B = "rtpk" + ID + "b";
    private static final String VETH_RB = "rtpk" + ID + "rb";
    private static final byte[] STUN_BINDING = HexFormat.of().parseHex("000100002112a442000102030405060708090a0b");

    private static KernelPath path;
    private static int ifRa;
    private static int ifRb;
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final List<InetSocketAddress> keys = new ArrayList<>();

    @BeforeAll
    static void namespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for namespaces and bpf()");
        assumeTrue(KernelSupport.isAvailable(),
            () -> "kernel path unavailable: " + KernelSupport.unavailabilityCause());
        for (final String ns : List.of(NS_A, NS_R, NS_B)) {
            Netns.run("ip", "netns", "add", ns);
            Netns.run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        Netns.run("ip", "link", "add", VETH_RA, "netns", NS_R, "type", "veth", "peer", "name", VETH_A, "netns", NS_A);
        Netns.run("ip", "link", "add", VETH_RB, "netns", NS_R, "type", "veth", "peer", "name", VETH_B, "netns", NS_B);
        address(NS_A, VETH_A, "192.0.2.2/24", "192.0.2.3/24");
        address(NS_R, VETH_RA, "192.0.2.1/24");
        address(NS_R, VETH_RB, "198.51.100.1/24");
        address(NS_B, VETH_B, "198.51.100.2/24");
        address6(NS_A, VETH_A, "2001:db8:a::2/64");
        address6(NS_R, VETH_RA, "2001:db8:a::1/64");
        address6(NS_R, VETH_RB, "2001:db8:b::1/64");
        address6(NS_B, VETH_B, "2001:db8:b::2/64");
        // ethtool -K tx off, without ethtool: ETHTOOL_STXCSUM (0x17) through SIOCETHTOOL (0x8946)
        Netns.in(NS_A, "python3", "-c", "import socket,fcntl,struct,array,sys\n"
            + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
            + "b=array.array('I',[0x17,0])\n"
            + "fcntl.ioctl(s.fileno(),0x8946,struct.pack('16sP',sys.argv[1].encode(),b.buffer_info()[0]))\n", VETH_A);
        path = Netns.call(NS_R, () -> KernelPath.open(List.of(VETH_RA, VETH_RB), 7));
        ifRa = Netns.call(NS_R, () -> NetworkInterface.getByName(VETH_RA).getIndex());
        ifRb = Netns.call(NS_R, () -> NetworkInterface.getByName(VETH_RB).getIndex());
    }

    @AfterAll
    static void deleteNamespaces() throws Exception {
        try {
            if (path != null) {
                Netns.call(NS_R, () -> {
                    path.close();
                    return null;
                });
                assertFalse(Netns.in(NS_R, "tc", "filter", "show", "dev", VETH_RA, "ingress").contains("bpf"),
                    "the filter is detached on close");
            }
        } finally {
            Netns.deleteAll(List.of(NS_A, NS_R, NS_B));
        }
    }

    @AfterEach
    void emptyTheMap() {
        for (final DatagramSocket s : sockets) {
            s.close();
        }
        if (path != null) {
            for (final InetSocketAddress key : keys) {
                path.remove(key);
            }
            assertEquals(0, path.entries(), "map empty at the end");
        }
    }

    @Test
    void aLatchedRtpStreamIsForwardedInTheKernelBothWaysRewrittenAndCounted() throws Exception {
        final Leg leg = leg();
        forwardedBothWays(leg, 0x80, 5);
        assertEquals(0, csumErrors(NS_B), "B's stack found no bad UDP checksum");
    }

    @Test
    void anIpv6StreamIsForwardedInTheKernelBothWaysToo() throws Exception {
        final Leg leg = new Leg(socket(NS_A, "2001:db8:a::2"), socket(NS_R, "2001:db8:a::1"),
            socket(NS_R, "2001:db8:b::1"), socket(NS_B, "2001:db8:b::2"));
        forwardedBothWays(leg, 0x80, 4);
        assertEquals(0, csumErrors(NS_B), "B's stack found no bad UDP checksum");
    }

    @Test
    void rtcpIsForwardedToo() throws Exception {
        forwardedBothWays(leg(), 0x81, 3);
    }

    @Test
    void aForeignSourceIsNotForwardedButReachesTheRelaySocket() throws Exception {
        final Leg leg = leg();
        put(KernelStream.of(addr(leg.ra), addr(leg.a), addr(leg.rb), addr(leg.b), ifRb));
        final long before = path.statistics().foreignSource();
        final DatagramSocket otherHost = socket(NS_A, "192.0.2.3");
        final DatagramSocket otherPort = socket(NS_A, "192.0.2.2");
        send(otherHost, rtp(0x80, 1), leg.ra);
        send(otherPort, rtp(0x80, 2), leg.ra);
        assertReceived(leg.ra, rtp(0x80, 1), addr(otherHost));
        assertReceived(leg.ra, rtp(0x80, 2), addr(otherPort));
        send(leg.a, rtp(0x80, 3), leg.ra);
        assertReceived(leg.b, rtp(0x80, 3), addr(leg.rb));
        assertEquals(before + 2, path.statistics().foreignSource());
        assertEquals(1, path.counters(addr(leg.ra)).packets(), "only the latched source's datagram was forwarded");
    }

    @Test
    void removingTheEntrySendsTheStreamToUserspaceAgain() throws Exception {
        final Leg leg = leg();
        put(KernelStream.of(addr(leg.ra), addr(leg.a), addr(leg.rb), addr(leg.b), ifRb));
        send(leg.a, rtp(0x80, 1), leg.ra);
        assertReceived(leg.b, rtp(0x80, 1), addr(leg.rb));
        assertTrue(path.remove(addr(leg.ra)));
        assertNull(path.counters(addr(leg.ra)));
        assertEquals(0, path.entries());
        send(leg.a, rtp(0x80, 2), leg.ra);
        assertReceived(leg.ra, rtp(0x80, 2), addr(leg.a));
        assertFalse(path.remove(addr(leg.ra)), "a second remove finds nothing");
    }

    @Test
    void whatIsNotRtpOrRtcpGoesToUserspace() throws Exception {
        final Leg leg = leg();
        put(KernelStream.of(addr(leg.ra), addr(leg.a), addr(leg.rb), addr(leg.b), ifRb));
        final long before = path.statistics().notRtp();
        // RFC 7983: STUN 0..3, DTLS 20..63, and the bytes either side of RTP/RTCP's 128..191
        final byte[][] others = {STUN_BINDING, rtp(0x16, 1), rtp(0x7f, 2), rtp(0xc0, 3)};
        for (final byte[] other : others) {
            send(leg.a, other, leg.ra);
        }
        for (final byte[] other : others) {
            assertReceived(leg.ra, other, addr(leg.a));
        }
        send(leg.a, rtp(0x80, 4), leg.ra);
        assertReceived(leg.b, rtp(0x80, 4), addr(leg.rb));
        assertEquals(before + others.length, path.statistics().notRtp());
    }

    @Test
    void withoutAnInterfaceTheFibFindsTheEgressWhenTheRelayForwards() throws Exception {
        final Leg leg = leg();
        put(KernelStream.of(addr(leg.ra), addr(leg.a), addr(leg.rb), addr(leg.b), 0));
        final long noRoute = path.statistics().noRoute();
        send(leg.a, rtp(0x80, 1), leg.ra);
        assertReceived(leg.ra, rtp(0x80, 1), addr(leg.a));
        assertEquals(noRoute + 1, path.statistics().noRoute(), "forwarding off: the FIB answers nothing");
        Netns.in(NS_R, "sysctl", "-q", "-w", "net.ipv4.conf." + VETH_RA + ".forwarding=1");
        try {
            send(leg.a, rtp(0x80, 2), leg.ra);
            assertReceived(leg.b, rtp(0x80, 2), addr(leg.rb));
        } finally {
            Netns.in(NS_R, "sysctl", "-q", "-w", "net.ipv4.conf." + VETH_RA + ".forwarding=0");
        }
        assertEquals(1, path.counters(addr(leg.ra)).packets());
    }

    @Test
    void aReplacedEntryKeepsItsCountersAndTakesItsNewTos() throws Exception {
        final Leg leg = leg();
        put(KernelStream.of(addr(leg.ra), addr(leg.a), addr(leg.rb), addr(leg.b), ifRb));
        send(leg.a, rtp(0x80, 1), leg.ra);
        assertReceived(leg.b, rtp(0x80, 1), addr(leg.rb));
        put(new KernelStream(addr(leg.ra), addr(leg.a), addr(leg.rb), addr(leg.b), 0xb8, 64, ifRb));
        send(leg.a, rtp(0x80, 2), leg.ra);
        assertReceived(leg.b, rtp(0x80, 2), addr(leg.rb));
        assertEquals(2, path.counters(addr(leg.ra)).packets());
        assertEquals(1, path.entries());
    }

    @Test
    void aRelayThatDiedWithoutDetachingIsReplacedByItsSuccessorOfTheSameTable() throws Exception {
        final KernelPath crashed = Netns.call(NS_R, () -> KernelPath.open(List.of(VETH_RA), 8));
        final KernelPath successor = Netns.call(NS_R, () -> KernelPath.open(List.of(VETH_RA), 8));
        try {
            assertEquals(1, filters(0x52540008), "one filter for table 8");
            assertEquals(1, filters(0x52540007), "table 7 (this class's) untouched");
        } finally {
            Netns.call(NS_R, () -> {
                successor.close();
                crashed.close();
                return null;
            });
        }
        assertEquals(0, filters(0x52540008));
        assertEquals(1, filters(0x52540007));
    }

    private static long filters(final int handle) throws Exception {
        final String out = Netns.in(NS_R, "tc", "filter", "show", "dev", VETH_RA, "ingress");
        return out.lines().filter(l -> l.contains("handle 0x" + Integer.toHexString(handle) + " ")).count();
    }

    /** A's and B's sockets and the relay's two sockets of one stream, each bound to port 0 in its namespace. */
    private record Leg(DatagramSocket a, DatagramSocket ra, DatagramSocket rb, DatagramSocket b) {
    }

    private Leg leg() throws Exception {
        return new Leg(socket(NS_A, "192.0.2.2"), socket(NS_R, "192.0.2.1"), socket(NS_R, "198.51.100.1"),
            socket(NS_B, "198.51.100.2"));
    }

    private void forwardedBothWays(final Leg leg, final int firstByte, final int n) throws Exception {
        put(KernelStream.of(addr(leg.ra), addr(leg.a), addr(leg.rb), addr(leg.b), ifRb));
        put(KernelStream.of(addr(leg.rb), addr(leg.b), addr(leg.ra), addr(leg.a), ifRa));
        final long forwarded = path.statistics().forwarded();
        for (int i = 0; i < n; i++) {
            send(leg.a, rtp(firstByte, i), leg.ra);
            send(leg.b, rtp(firstByte, 1000 + i), leg.rb);
        }
        for (int i = 0; i < n; i++) {
            assertReceived(leg.b, rtp(firstByte, i), addr(leg.rb));
            assertReceived(leg.a, rtp(firstByte, 1000 + i), addr(leg.ra));
        }
        send(leg.a, STUN_BINDING, leg.ra);
        send(leg.b, STUN_BINDING, leg.rb);
        assertReceived(leg.ra, STUN_BINDING, addr(leg.a));
        assertReceived(leg.rb, STUN_BINDING, addr(leg.b));
        for (final DatagramSocket relaySide : List.of(leg.ra, leg.rb)) {
            final KernelCounters c = path.counters(addr(relaySide));
            assertNotNull(c);
            assertEquals(n, c.packets());
            assertEquals((long) n * rtp(firstByte, 0).length, c.bytes());
            assertTrue(c.lastSeenNs() > 0 && c.lastSeenNs() <= System.nanoTime(), "last seen on CLOCK_MONOTONIC");
        }
        assertEquals(forwarded + 2L * n, path.statistics().forwarded());
        assertEquals(0, path.statistics().rewriteFailed());
    }

    private void put(final KernelStream stream) {
        keys.add(stream.local());
        assertTrue(path.put(stream));
    }

    private DatagramSocket socket(final String ns, final String address) throws Exception {
        final DatagramSocket s = Netns.call(ns, () -> new DatagramSocket(
            new InetSocketAddress(InetAddress.getByName(address), 0)));
        s.setSoTimeout(RECEIVE_TIMEOUT_MS);
        sockets.add(s);
        return s;
    }

    private static InetSocketAddress addr(final DatagramSocket s) {
        return (InetSocketAddress) s.getLocalSocketAddress();
    }

    private static void send(final DatagramSocket from, final byte[] data, final DatagramSocket to)
        throws Exception {
        from.send(new DatagramPacket(data, data.length, addr(to)));
    }

    private static void assertReceived(final DatagramSocket s, final byte[] expected,
        final InetSocketAddress expectedSender) throws Exception {
        final DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            s.receive(p);
        } catch (final SocketTimeoutException e) {
            throw new AssertionError(addr(s) + " received nothing, expected " + expected.length + " bytes from "
                + expectedSender, e);
        }
        assertEquals(expectedSender, p.getSocketAddress(), "sender");
        assertArrayEquals(expected, Arrays.copyOf(p.getData(), p.getLength()), "payload");
    }

    /** An RTP (first byte 0x80) or RTCP-looking datagram, 12 + 160 bytes, its sequence number {@code seq}. */
    private static byte[] rtp(final int firstByte, final int seq) {
        final byte[] b = new byte[172];
        b[0] = (byte) firstByte;
        b[1] = (byte) (firstByte == 0x81 ? 200 : 0);
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        for (int i = 12; i < b.length; i++) {
            b[i] = (byte) (i * 7 + seq);
        }
        return b;
    }

    /** @return UDP datagrams with a bad checksum in namespace {@code ns}, over IPv4 and IPv6. */
    private static long csumErrors(final String ns) throws Exception {
        long n = 0;
        for (final String line : Netns.in(ns, "cat", "/proc/net/snmp6").split("\n")) {
            if (line.startsWith("Udp6InCsumErrors")) {
                n += Long.parseLong(line.trim().split("\\s+")[1]);
            }
        }
        return n + csumErrors4(ns);
    }

    private static long csumErrors4(final String ns) throws Exception {
        final String[] lines = Netns.in(ns, "cat", "/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Udp:") && lines[i + 1].startsWith("Udp:")) {
                final List<String> names = List.of(lines[i].trim().split("\\s+"));
                return Long.parseLong(lines[i + 1].trim().split("\\s+")[names.indexOf("InCsumErrors")]);
            }
        }
        throw new AssertionError("no Udp line in /proc/net/snmp");
    }

    private static void address6(final String ns, final String dev, final String cidr) throws Exception {
        Netns.run("ip", "-n", ns, "addr", "add", cidr, "dev", dev, "nodad");
    }

    private static void address(final String ns, final String dev, final String... cidrs) throws Exception {
        for (final String cidr : cidrs) {
            Netns.run("ip", "-n", ns, "addr", "add", cidr, "dev", dev);
        }
        Netns.run("ip", "-n", ns, "link", "set", dev, "up");
    }
}
