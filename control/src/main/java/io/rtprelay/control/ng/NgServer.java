package io.rtprelay.control.ng;

import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The ng control endpoint over UDP ({@code --listen-ng}): receives request datagrams, runs them through the
 * {@link NgCommandAdapter} on one control thread, and sends each reply from the socket the request came in on.
 *
 * <p>Threads: one platform thread per bound socket blocks in {@link DatagramChannel#receive} and queues a copy of
 * each datagram (at most {@value #QUEUE_CAPACITY} waiting; beyond that a datagram is dropped and counted, and the
 * client's retransmission comes back later); one control thread ({@code ng-control}) dispatches them in arrival
 * order, so handlers never run concurrently, and sends the replies. This is the control plane, not the packet
 * path: blocking I/O and a copy per request are fine here.
 *
 * <p>Source address: Kamailio's rtpengine module talks through a connected UDP socket, which drops a reply whose
 * source is not exactly the address and port it sent to. A socket bound to a wildcard address lets the kernel pick
 * the reply's source, which on a multi-homed host can be another address. So a wildcard listen address is never
 * bound as such: {@code 0.0.0.0:port} becomes one socket per IPv4 address of every interface that is up, and
 * {@code [::]:port} one per IPv4 and (non-link-local) IPv6 address, as rtpengine's {@code ::} listens on both
 * families. All of them share the port (with port 0, the port the first one got). Addresses added to the host
 * after {@link #start()} are not listened on; list them explicitly or restart.
 *
 * <p>Requests larger than {@value NgCommandAdapter#MAX_DATAGRAM} bytes (possible over IPv6 only) get
 * {@value NgCommandAdapter#DATAGRAM_TOO_LARGE}.
 */
public final class NgServer implements AutoCloseable {
    /** Datagrams waiting for the control thread, at most. */
    public static final int QUEUE_CAPACITY = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(NgServer.class);
    /** Larger than any UDP payload (65,527 over IPv6), so a read that fills it was truncated. */
    private static final int RECEIVE_BUFFER = 65_536;
    private static final int SOCKET_RECEIVE_BUFFER = 1 << 20;
    private static final int BIND_ATTEMPTS = 10;
    private static final long CLOSE_WAIT_MS = 2_000;

    private final List<InetSocketAddress> listen;
    private final NgCommandAdapter adapter;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Thread> receivers = new ArrayList<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private volatile List<InetSocketAddress> bound = List.of();
    private volatile boolean closed;
    private ThreadPoolExecutor control;

    /**
     * @param listen  where to listen, as {@code --listen-ng}: specific addresses, or wildcards (see above).
     * @param adapter handles the requests; owned by the control thread from {@link #start()} on.
     */
    public NgServer(final List<InetSocketAddress> listen, final NgCommandAdapter adapter) {
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("no ng listen address");
        }
        this.listen = List.copyOf(listen);
        this.adapter = adapter;
    }

    /**
     * Binds every socket and starts the threads.
     *
     * @throws IOException when an address cannot be bound; nothing is left open then.
     */
    public synchronized void start() throws IOException {
        if (control != null || closed) {
            throw new IllegalStateException("already started or closed");
        }
        try {
            for (final InetSocketAddress address : listen) {
                bind(address);
            }
        } catch (final IOException | RuntimeException e) {
            closeChannels();
            channels.clear();
            throw e;
        }
        control = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
            r -> Thread.ofPlatform().name("ng-control").daemon(true).unstarted(r));
        final List<InetSocketAddress> addresses = new ArrayList<>();
        for (final DatagramChannel channel : channels) {
            final InetSocketAddress local = (InetSocketAddress)channel.getLocalAddress();
            addresses.add(local);
            receivers.add(Thread.ofPlatform().name("ng-rx-" + local).daemon(true).start(() -> receive(channel)));
        }
        bound = Collections.unmodifiableList(addresses);
        LOG.info("ng listening on {}", bound);
    }

    /** @return the addresses actually bound, wildcards expanded and ports resolved; empty before start. */
    public List<InetSocketAddress> boundAddresses() {
        return bound;
    }

    /** @return datagrams received. */
    public long received() {
        return received.get();
    }

    /** @return datagrams dropped because the control thread's queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** @return datagrams refused as too large. */
    public long oversized() {
        return oversized.get();
    }

    /** @return replies that could not be sent. */
    public long sendFailures() {
        return sendFailures.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeChannels();
        try {
            for (final Thread t : receivers) {
                t.join(CLOSE_WAIT_MS);
            }
            if (control != null) {
                control.shutdown();
                if (!control.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    control.shutdownNow();
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            if (control != null) {
                control.shutdownNow();
            }
        }
    }

    private void bind(final InetSocketAddress address) throws IOException {
        final InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IOException("unresolved ng listen address " + address);
        }
        if (!ip.isAnyLocalAddress()) {
            channels.add(open(new InetSocketAddress(ip, address.getPort())));
            return;
        }
        final List<InetAddress> local = interfaceAddresses(ip instanceof Inet6Address);
        if (local.isEmpty()) {
            throw new IOException("no interface address to listen on for " + address);
        }
        for (int attempt = 1; ; attempt++) {
            final List<DatagramChannel> opened = new ArrayList<>();
            try {
                int port = address.getPort();
                for (final InetAddress a : local) {
                    final DatagramChannel channel = open(new InetSocketAddress(a, port));
                    opened.add(channel);
                    port = ((InetSocketAddress)channel.getLocalAddress()).getPort();
                }
                channels.addAll(opened);
                return;
            } catch (final BindException e) {
                for (final DatagramChannel c : opened) {
                    c.close();
                }
                // with port 0, the port the first address got may be taken on another: pick again
                if (address.getPort() != 0 || attempt >= BIND_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static DatagramChannel open(final InetSocketAddress address) throws IOException {
        final DatagramChannel channel = DatagramChannel.open(
            address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_RECEIVE_BUFFER);
            channel.bind(address);
            return channel;
        } catch (final IOException e) {
            channel.close();
            final BindException bind = new BindException("cannot bind ng socket to " + address + ": " + e.getMessage());
            bind.initCause(e);
            throw bind;
        }
    }

    /** IPv4 addresses of the interfaces that are up, and IPv6 ones (not link-local) too when asked. */
    private static List<InetAddress> interfaceAddresses(final boolean withIpv6) throws SocketException {
        final Set<InetAddress> out = new LinkedHashSet<>();
        final Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
        while (interfaces != null && interfaces.hasMoreElements()) {
            final NetworkInterface ni = interfaces.nextElement();
            if (!ni.isUp()) {
                continue;
            }
            for (final InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address || (withIpv6 && a instanceof Inet6Address && !a.isLinkLocalAddress())) {
                    out.add(stripScope(a));
                }
            }
        }
        return new ArrayList<>(out);
    }

    private static InetAddress stripScope(final InetAddress a) throws SocketException {
        if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            try {
                return InetAddress.getByAddress(v6.getAddress());
            } catch (final UnknownHostException e) {
                throw new SocketException(e.getMessage());
            }
        }
        return a;
    }

    private void receive(final DatagramChannel channel) {
        final ByteBuffer buffer = ByteBuffer.allocate(RECEIVE_BUFFER);
        while (!closed) {
            buffer.clear();
            final SocketAddress from;
            try {
                from = channel.receive(buffer);
            } catch (final ClosedChannelException e) {
                break;
            } catch (final IOException e) {
                if (!closed) {
                    LOG.warn("ng receive failed: {}", e.toString());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                continue;
            }
            received.incrementAndGet();
            final int length = buffer.position();
            final byte[] datagram = Arrays.copyOf(buffer.array(), length);
            final boolean tooLarge = length > NgCommandAdapter.MAX_DATAGRAM;
            try {
                control.execute(() -> handle(channel, from, datagram, tooLarge));
            } catch (final RejectedExecutionException e) {
                if (!closed) {
                    dropped.incrementAndGet();
                }
            }
        }
    }

    /** On the control thread. */
    private void handle(final DatagramChannel channel, final SocketAddress from, final byte[] datagram,
        final boolean tooLarge) {
        final byte[] reply;
        if (tooLarge) {
            oversized.incrementAndGet();
            reply = adapter.onOversizedDatagram(datagram, 0, datagram.length);
        } else {
            reply = adapter.onDatagram(datagram, 0, datagram.length, sourceText(from));
        }
        if (reply == null) {
            return;
        }
        try {
            channel.send(ByteBuffer.wrap(reply), from);
        } catch (final IOException e) {
            sendFailures.incrementAndGet();
            if (!closed) {
                LOG.warn("cannot send an ng reply of {} bytes to {}: {}", reply.length, from, e.toString());
            }
        }
    }

    private static String sourceText(final SocketAddress from) {
        if (from instanceof InetSocketAddress a && a.getAddress() != null) {
            final String bare = NetUtil.toAddressString(a.getAddress());
            return (a.getAddress() instanceof Inet6Address ? "[" + bare + "]" : bare) + ":" + a.getPort();
        }
        return "";
    }

    private void closeChannels() {
        for (final DatagramChannel c : channels) {
            try {
                c.close();
            } catch (final IOException e) {
                LOG.debug("closing {}: {}", c, e.toString());
            }
        }
    }
}
