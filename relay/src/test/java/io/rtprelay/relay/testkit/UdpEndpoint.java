package io.rtprelay.relay.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * A plain java.net UDP socket on loopback (127.0.0.1 unless told ::1), port 0: a phone, or one side of a call, as
 * the relay sees it. Test thread only.
 */
public final class UdpEndpoint implements AutoCloseable {
    /** IPv4 loopback. */
    public static final InetAddress LOOPBACK = address("127.0.0.1");
    /** IPv6 loopback. */
    public static final InetAddress LOOPBACK6 = address("::1");

    private final DatagramSocket socket;
    private final InetAddress host;

    /** Binds 127.0.0.1:0. */
    public UdpEndpoint() {
        this(LOOPBACK);
    }

    /** @param host the loopback address to bind (port 0) and to send to. */
    public UdpEndpoint(final InetAddress host) {
        this.host = host;
        try {
            socket = new DatagramSocket(new InetSocketAddress(host, 0));
            socket.setSoTimeout(50);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the bound address, as the relay sees it as a source. */
    public InetSocketAddress address() {
        return (InetSocketAddress)socket.getLocalSocketAddress();
    }

    /**
     * @param payload the datagram.
     * @param port    a port on this endpoint's loopback address.
     */
    public void send(final byte[] payload, final int port) {
        try {
            socket.send(new DatagramPacket(payload, payload.length, host, port));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param timeout how long to wait at most.
     * @return the next datagram; fails the test if none arrives in time.
     */
    public Received receive(final Duration timeout) {
        final Received r = poll(timeout);
        if (r == null) {
            throw new AssertionError("no datagram at " + address() + " within " + timeout);
        }
        return r;
    }

    /**
     * @param timeout how long to wait at most.
     * @return the next datagram, or null if none arrives in time.
     */
    public Received poll(final Duration timeout) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        final byte[] buffer = new byte[4096];
        while (System.nanoTime() - deadlineNs < 0) {
            final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                return new Received(Arrays.copyOf(packet.getData(), packet.getLength()),
                    (InetSocketAddress)packet.getSocketAddress());
            } catch (final SocketTimeoutException e) {
                continue;
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return null;
    }

    @Override
    public void close() {
        socket.close();
    }

    private static InetAddress address(final String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One datagram received.
     *
     * @param payload its bytes.
     * @param from    its source.
     */
    public record Received(byte[] payload, InetSocketAddress from) {
    }
}
