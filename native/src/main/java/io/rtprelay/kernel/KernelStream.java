package io.rtprelay.kernel;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One direction of a latched plain RTP or RTCP stream, as the kernel forwards it: a datagram to {@code local} from
 * exactly {@code source} (the latched endpoint; the kernel never learns) leaves from {@code newSource} (the relay's
 * socket facing the peer) to {@code newDestination} (the peer), with {@code tos} and {@code ttl}, through the
 * interface {@code egressIfindex} (0: the program asks the FIB, which needs forwarding enabled on the ingress
 * interface; {@link KernelPath#interfaceIndexOf} gives the interface of a local address). All four addresses are of
 * one family: the program rewrites in place and does not translate between IPv4 and IPv6.
 *
 * @param local          the relay's address and port the stream arrives at (the map key).
 * @param source         the latched endpoint: the only source the kernel forwards.
 * @param newSource      the relay's address and port the stream leaves from.
 * @param newDestination the peer the stream goes to.
 * @param tos            the IPv4 TOS byte / IPv6 traffic class, 0..255.
 * @param ttl            the IPv4 TTL / IPv6 hop limit, 1..255 (64, Linux's default, is what the relay's sockets
 *                       send).
 * @param egressIfindex  the interface to send on, or 0.
 */
public record KernelStream(InetSocketAddress local, InetSocketAddress source, InetSocketAddress newSource,
                           InetSocketAddress newDestination, int tos, int ttl, int egressIfindex) {
    /** Linux's default TTL, what a relay socket without IP_TTL sends. */
    public static final int DEFAULT_TTL = 64;

    /** Checks the addresses are resolved, of one family, and the byte fields in range. */
    public KernelStream {
        final boolean v4 = isV4(local);
        if (isV4(source) != v4 || isV4(newSource) != v4 || isV4(newDestination) != v4) {
            throw new IllegalArgumentException("addresses of two families: " + local + ", " + source + ", "
                + newSource + ", " + newDestination);
        }
        if (tos < 0 || tos > 255 || ttl < 1 || ttl > 255 || egressIfindex < 0) {
            throw new IllegalArgumentException("tos " + tos + ", ttl " + ttl + ", ifindex " + egressIfindex);
        }
    }

    /** @return the stream with Linux's default TTL, TOS 0, sent on {@code egressIfindex}. */
    public static KernelStream of(final InetSocketAddress local, final InetSocketAddress source,
        final InetSocketAddress newSource, final InetSocketAddress newDestination, final int egressIfindex) {
        return new KernelStream(local, source, newSource, newDestination, 0, DEFAULT_TTL, egressIfindex);
    }

    private static boolean isV4(final InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        final InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        return ip instanceof Inet4Address;
    }
}
