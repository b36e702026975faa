package io.rtprelay.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.rtprelay.relay.forward.Forwarder;
import io.rtprelay.relay.stream.Stream;
import io.rtprelay.relay.stream.StreamProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * One bound UDP port of the relay, and the only handler in its channel's pipeline: each datagram read goes to the
 * loop's {@link Forwarder} with this socket's {@link Stream} (a field, not a lookup); the channel written to is
 * flushed once when the read batch ends ({@code channelReadComplete}), not per packet. The time is read once per
 * batch.
 *
 * <p>Owned by the event loop its channel is registered on; every handler method runs there. Control reaches the
 * stream through {@link #proxy()}.
 */
public final class MediaSocket extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(MediaSocket.class);

    private final DatagramChannel channel;
    private final EventLoop loop;
    private final Stream stream;
    private final StreamProxy proxy;
    private final Forwarder forwarder;

    // Loop-owned batch state.
    private Channel flushTarget;
    private boolean inBatch;
    private long batchNowNs;
    private boolean errorLogged;

    MediaSocket(final DatagramChannel channel, final EventLoop loop, final int port, final boolean rtcp,
                final Forwarder forwarder) {
        this.channel = channel;
        this.loop = loop;
        this.stream = new Stream(channel, loop, port, rtcp);
        this.proxy = new StreamProxy(stream);
        this.forwarder = forwarder;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof DatagramPacket packet) {
            if (!inBatch) {
                inBatch = true;
                batchNowNs = System.nanoTime();
            }
            final Channel written = forwarder.onPacket(stream, packet.content(), packet.sender(), batchNowNs);
            if (written != null && written != flushTarget) {
                switchFlushTargetSlowPath(written);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** A stream's peer does not change within a read batch, so this runs once per batch at most (in practice). */
    private void switchFlushTargetSlowPath(final Channel written) {
        if (flushTarget != null) {
            flushTarget.flush();
        }
        flushTarget = written;
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        inBatch = false;
        final Channel target = flushTarget;
        if (target != null) {
            flushTarget = null;
            target.flush();
        }
    }

    /**
     * Writes out of this socket use the void promise, so a failed send arrives here: counted on this stream and as
     * {@code WRITE_FAILED}. The first failure of a socket is logged, the rest only counted.
     */
    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        forwarder.onWriteFailed(stream);
        if (!errorLogged) {
            errorLogged = true;
            LOG.warn("media socket {}: send failed (further failures only counted): {}", stream, cause.toString());
        }
    }

    /** @return this socket's stream (to name as a peer, or to read counters). */
    public Stream stream() {
        return stream;
    }

    /** @return how the control thread configures this socket's stream. */
    public StreamProxy proxy() {
        return proxy;
    }

    /** @return the local port. */
    public int port() {
        return stream.localPort();
    }

    /** @return whether this is the RTCP socket of its pair. */
    public boolean isRtcp() {
        return stream.isRtcp();
    }

    /** @return the bound local address. */
    public InetSocketAddress localAddress() {
        return channel.localAddress();
    }

    /** @return the Netty channel. */
    public DatagramChannel channel() {
        return channel;
    }

    /** @return the event loop that owns this socket and its stream. */
    public EventLoop loop() {
        return loop;
    }

    @Override
    public String toString() {
        return "MediaSocket[" + stream + "]";
    }
}
