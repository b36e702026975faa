package io.rtprelay.relay.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;

import java.lang.reflect.InvocationTargetException;
import java.util.Objects;

/**
 * One Netty transport the data plane can run on: the factory of its event-loop I/O handlers and its UDP channel
 * class. Immutable; made by {@link Transports#select(String)} and shared by every thread.
 *
 * @param name                 "io_uring", "epoll" or "nio", as logged and as accepted by {@link Transports}.
 * @param ioHandlerFactory     for {@code new MultiThreadIoEventLoopGroup(n, ioHandlerFactory)}.
 * @param datagramChannelClass the UDP channel that goes with the handler.
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends DatagramChannel> datagramChannelClass) {

    /** Checks that no component is null. */
    public Transport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ioHandlerFactory, "ioHandlerFactory");
        Objects.requireNonNull(datagramChannelClass, "datagramChannelClass");
    }

    /**
     * Creates an unregistered UDP channel of one address family, so that an IPv4 bind gives a plain IPv4 socket
     * (not a dual-stack IPv6 one) and source addresses arrive as {@code Inet4Address}. Control thread; reflective,
     * so not for a per-packet path.
     *
     * @param family {@link SocketProtocolFamily#INET} or {@link SocketProtocolFamily#INET6}.
     * @return a new channel of {@link #datagramChannelClass()}, its socket created but not bound.
     */
    public DatagramChannel newChannel(final SocketProtocolFamily family) {
        try {
            return datagramChannelClass.getConstructor(SocketProtocolFamily.class).newInstance(family);
        } catch (final InvocationTargetException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot create a " + name + " UDP channel", cause);
        } catch (final ReflectiveOperationException e) {
            throw new IllegalStateException(datagramChannelClass + " has no (SocketProtocolFamily) constructor", e);
        }
    }
}
