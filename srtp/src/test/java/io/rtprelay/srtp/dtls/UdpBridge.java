package io.rtprelay.srtp.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * What the relay does on Netty, on a plain {@link DatagramChannel} on 127.0.0.1: a reader thread (the stream's
 * event loop) receives each datagram into one direct buffer and offers it to the session; the session's
 * {@link DtlsSrtpSession.Outbound} sends to the peer (given, or learnt from the first datagram, as a server's
 * latching would). DatagramChannel's send is thread-safe.
 */
final class UdpBridge implements DtlsSrtpSession.Outbound, AutoCloseable {
    private final DatagramChannel channel;
    private final Thread reader;
    private volatile SocketAddress peer;
    private volatile DtlsSrtpSession session;
    private final boolean faulty;

    UdpBridge(final SocketAddress peer) throws IOException {
        this(peer, false);
    }

    /**
     * @param faulty if true, every datagram is sent twice, and every received one is offered twice, after a garbage
     *               datagram and a truncated copy of itself.
     */
    UdpBridge(final SocketAddress peer, final boolean faulty) throws IOException {
        this.peer = peer;
        this.faulty = faulty;
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        reader = new Thread(this::run, "udp-bridge");
        reader.setDaemon(true);
    }

    int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    void attach(final DtlsSrtpSession s) {
        session = s;
        reader.start();
    }

    private void run() {
        final ByteBuffer buf = ByteBuffer.allocateDirect(65_536);
        try {
            while (true) {
                buf.clear();
                final SocketAddress from = channel.receive(buf);
                if (peer == null) {
                    peer = from;
                }
                final int n = buf.position();
                if (faulty) {
                    buf.put(n, new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 22, 0});
                    session.offer(buf, n, 6);
                    session.offer(buf, 0, Math.max(1, n / 2));
                    session.offer(buf, 0, n);
                }
                session.offer(buf, 0, n);
            }
        } catch (final ClosedChannelException ignored) {
            // closed by the test
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void send(final byte[] datagram, final int offset, final int length) {
        final SocketAddress to = peer;
        if (to == null) {
            return;
        }
        try {
            channel.send(ByteBuffer.wrap(datagram, offset, length), to);
            if (faulty) {
                channel.send(ByteBuffer.wrap(datagram, offset, length), to);
            }
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
