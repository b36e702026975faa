package io.rtprelay.relay;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Errors;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.rtprelay.relay.forward.Forwarder;
import io.rtprelay.relay.forward.ForwarderCounters;
import io.rtprelay.relay.transport.PortPool;
import io.rtprelay.relay.transport.Transport;
import io.rtprelay.relay.transport.Transports;
import org.agrona.collections.IntArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data plane of one relay: event loops on the chosen transport, one {@link Forwarder} per loop, the port pool,
 * and the opening of media socket pairs. Every socket of a call is registered on one loop, chosen by a hash of the
 * call-id, so forwarding between a call's sockets never leaves that loop's thread.
 *
 * <p>Threading: constructed, used and closed by the control thread(s); {@link #openPair} blocks until the sockets are
 * bound and must not be called on a media loop. Sockets are plain unconnected UDP sockets with the configured IP TOS,
 * {@value #SOCKET_BUFFER_BYTES}-byte kernel buffers (the kernel caps them at {@code net.core.rmem_max}/{@code
 * wmem_max}) and {@value #DATAGRAM_BUFFER_BYTES}-byte pooled direct receive buffers: an Ethernet-MTU packet plus room
 * for SRTP's authentication tag when it is protected in place.
 */
public final class MediaPlane implements AutoCloseable {
    /** SO_SNDBUF of every media socket. */
    public static final int SOCKET_BUFFER_BYTES = 256 * 1024;
    /**
     * SO_RCVBUF of every media socket (capped by the kernel at {@code net.core.rmem_max}): room for about a second
     * of a port flooded at 1,000 packets/s while its loop is held up (docs/LIVE-FUZZ.md: with 256 KB the long run
     * lost live packets to full receive buffers). Kernel memory, charged only while datagrams wait.
     */
    public static final int SOCKET_RECEIVE_BUFFER_BYTES = 1024 * 1024;
    /** Size of the pooled direct buffer each datagram is received into. */
    public static final int DATAGRAM_BUFFER_BYTES = 2048;

    private static final Logger LOG = LoggerFactory.getLogger(MediaPlane.class);
    /** Linux errno EADDRINUSE (the native transports are Linux-only). */
    private static final int EADDRINUSE = 98;
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 256 * 1024);
    private static final FixedRecvByteBufAllocator RECV_ALLOCATOR =
        new FixedRecvByteBufAllocator(DATAGRAM_BUFFER_BYTES);

    private final Transport transport;
    private final PortPool ports;
    private final int tos;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop[] loops;
    private final Forwarder[] forwarders;
    private final GlobalCounters counters;
    private final AtomicBoolean optionWarned = new AtomicBoolean();

    /**
     * Selects the transport (logged), starts the event loops and creates the port pool.
     *
     * @param config transport, loop count, port range and TOS.
     */
    public MediaPlane(final MediaPlaneConfig config) {
        Objects.requireNonNull(config, "config");
        this.transport = Transports.select(config.transport());
        this.ports = new PortPool(config.portMin(), config.portMax());
        this.tos = config.tos();
        final int threads = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
        this.group = new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("rtprelay-media", true), transport.ioHandlerFactory());
        final List<EventLoop> loopList = new ArrayList<>(threads);
        for (final EventExecutor executor : group) {
            loopList.add((EventLoop)executor);
        }
        this.loops = loopList.toArray(new EventLoop[0]);
        this.forwarders = new Forwarder[loops.length];
        final List<ForwarderCounters> loopCounters = new ArrayList<>(loops.length);
        for (int i = 0; i < loops.length; i++) {
            final ForwarderCounters c = new ForwarderCounters();
            loopCounters.add(c);
            forwarders[i] = new Forwarder(c);
        }
        this.counters = new GlobalCounters(loopCounters);
        LOG.info("media plane: {} event loops on {}, ports {}..{} ({} pairs), tos {}", loops.length,
            transport.name(), ports.firstPort(), ports.lastPort(), ports.totalPorts() / 2, tos);
    }

    /** @return "io_uring", "epoll" or "nio". */
    public String transportName() {
        return transport.name();
    }

    /** @return the media port pool. */
    public PortPool ports() {
        return ports;
    }

    /** @return the data plane's totals. */
    public GlobalCounters counters() {
        return counters;
    }

    /**
     * @param callId a call-id.
     * @return the event loop every socket of that call is registered on.
     */
    public EventLoop loopFor(final String callId) {
        return loops[loopIndex(callId)];
    }

    private int loopIndex(final String callId) {
        final int h = callId.hashCode();
        return Math.floorMod(h ^ (h >>> 16), loops.length);
    }

    /**
     * Binds an RTP port and the RTCP port above it on {@code bindAddress}, both on {@link #loopFor(String)}. A pair
     * whose ports another process holds is skipped, and the next tried; each pair of the range is tried at most once.
     * Blocks (control thread only).
     *
     * @param bindAddress the local address to bind (an interface's address, or the wildcard).
     * @param callId      the call the sockets belong to.
     * @return the bound pair; its streams have no peer and no endpoint yet.
     * @throws PortsExhaustedException if no pair of the range could be bound.
     * @throws UncheckedIOException    if binding fails for another reason than a port in use (e.g. an address not
     *                                 on this host).
     * @throws IllegalStateException   if called on a media event loop.
     */
    public MediaSocketPair openPair(final InetAddress bindAddress, final String callId)
        throws PortsExhaustedException {
        Objects.requireNonNull(bindAddress, "bindAddress");
        final int index = loopIndex(callId);
        final EventLoop loop = loops[index];
        for (final EventLoop l : loops) {
            if (l.inEventLoop()) {
                throw new IllegalStateException("openPair blocks: call it from the control thread, not a media loop");
            }
        }
        final SocketProtocolFamily family =
            bindAddress instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        final IntArrayList skipped = new IntArrayList();
        try {
            final int pairs = ports.totalPorts() / 2;
            for (int attempt = 0; attempt < pairs; attempt++) {
                final int port = ports.acquirePair();
                if (port < 0) {
                    break;
                }
                skipped.addInt(port);
                final MediaSocket rtp = bind(loop, forwarders[index], family, bindAddress, port, false);
                if (rtp == null) {
                    continue;
                }
                final MediaSocket rtcp = bind(loop, forwarders[index], family, bindAddress, port + 1, true);
                if (rtcp == null) {
                    rtp.channel().close().syncUninterruptibly();
                    continue;
                }
                skipped.removeAt(skipped.size() - 1);
                return new MediaSocketPair(rtp, rtcp, returnPortsWhenClosed(rtp, rtcp));
            }
        } finally {
            for (int i = 0; i < skipped.size(); i++) {
                ports.releasePair(skipped.getInt(i));
            }
        }
        throw new PortsExhaustedException("no free RTP/RTCP port pair on " + bindAddress.getHostAddress() + " in "
            + ports.firstPort() + ".." + ports.lastPort() + " (" + skipped.size() + " held by other processes)");
    }

    private Future<Void> returnPortsWhenClosed(final MediaSocket rtp, final MediaSocket rtcp) {
        final AtomicInteger open = new AtomicInteger(2);
        final int port = rtp.port();
        final Promise<Void> released = ImmediateEventExecutor.INSTANCE.newPromise();
        final ChannelFutureListener onClosed = f -> {
            if (open.decrementAndGet() == 0) {
                ports.releasePair(port);
                released.setSuccess(null);
            }
        };
        rtp.channel().closeFuture().addListener(onClosed);
        rtcp.channel().closeFuture().addListener(onClosed);
        return released;
    }

    /** @return the bound socket, or null when the port is in use by another socket. */
    private MediaSocket bind(final EventLoop loop, final Forwarder forwarder, final SocketProtocolFamily family,
                             final InetAddress address, final int port, final boolean rtcp) {
        final DatagramChannel channel = transport.newChannel(family);
        final MediaSocket socket = new MediaSocket(channel, loop, port, rtcp, forwarder);
        configure(channel);
        channel.pipeline().addLast(socket);
        final ChannelFuture registered = loop.register(channel).awaitUninterruptibly();
        if (!registered.isSuccess()) {
            channel.unsafe().closeForcibly();
            throw new IllegalStateException("cannot register a media socket on " + loop, registered.cause());
        }
        final ChannelFuture bound = channel.bind(new InetSocketAddress(address, port)).awaitUninterruptibly();
        if (bound.isSuccess()) {
            return socket;
        }
        channel.close().syncUninterruptibly();
        final Throwable cause = bound.cause();
        if (isAddressInUse(cause)) {
            LOG.debug("media port {} is in use by another socket: skipped", port);
            return null;
        }
        throw new UncheckedIOException("cannot bind media port " + address.getHostAddress() + ":" + port,
            cause instanceof IOException io ? io : new IOException(cause));
    }

    private void configure(final DatagramChannel channel) {
        final boolean all = channel.config().setOption(ChannelOption.IP_TOS, tos)
            & channel.config().setOption(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER_BYTES)
            & channel.config().setOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
            & channel.config().setOption(ChannelOption.RECVBUF_ALLOCATOR, RECV_ALLOCATOR)
            & channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        if (!all && optionWarned.compareAndSet(false, true)) {
            LOG.warn("transport {} ignores some media socket options (IP_TOS, SO_RCVBUF, SO_SNDBUF, allocator,"
                + " water mark)", transport.name());
        }
    }

    static boolean isAddressInUse(final Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Errors.NativeIoException nativeIo && nativeIo.expectedErr() == -EADDRINUSE) {
                return true;
            }
            if (t instanceof BindException && t.getMessage() != null && t.getMessage().contains("in use")) {
                return true;
            }
        }
        return false;
    }

    /** Closes every socket (returning its ports) and stops the event loops; waits for them, a few seconds at most. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "MediaPlane[" + transport.name() + ", " + loops.length + " loops, " + ports + "]";
    }
}
