package io.rtprelay.relay.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.rtprelay.relay.stream.Stream;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The per-packet path of one event loop: latch the source on the receiving stream, then hand the received buffer
 * itself (zero copy, ownership passes to the peer socket) to the peer stream's socket, addressed to the peer's
 * endpoint. Every other outcome goes through one drop exit, which releases the buffer and counts the reason.
 *
 * <p>Owned by one event loop and called only on it, for sockets registered on it. Allocation: none of ours; Netty
 * allocates a {@link DatagramPacket} envelope per read and this path one per write (Netty's write API takes an
 * addressed envelope, and {@code DatagramPacket} is immutable). Writes are not flushed here: the caller flushes the
 * returned channel once per read batch.
 */
public final class Forwarder {
    private final ForwarderCounters counters;

    /** @param counters this loop's counters, written only by this forwarder. */
    public Forwarder(final ForwarderCounters counters) {
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** @return this loop's counters. */
    public ForwarderCounters counters() {
        return counters;
    }

    /**
     * Forwards one received packet, or drops it.
     *
     * @param in     the stream of the socket the packet was read on.
     * @param buf    the packet; ownership passes to this method (written or released).
     * @param source the packet's source address, as received.
     * @param nowNs  {@link System#nanoTime()} of the read batch.
     * @return the channel the packet was written to, to flush at the end of the read batch; null when dropped.
     */
    public Channel onPacket(final Stream in, final ByteBuf buf, final InetSocketAddress source, final long nowNs) {
        final int bytes = buf.readableBytes();
        counters.onReceived(bytes);
        if (!in.onReceive(source, bytes, nowNs)) {
            return drop(in, buf, DropReason.FOREIGN_SOURCE);
        }
        if (in.isBlocked()) {
            return drop(in, buf, DropReason.BLOCKED);
        }
        final Stream out = in.peer();
        if (out == null) {
            return drop(in, buf, DropReason.NO_PEER);
        }
        final InetSocketAddress destination = out.endpoint();
        if (destination == null) {
            return drop(in, buf, DropReason.NO_DESTINATION);
        }
        final Channel channel = out.channel();
        if (!channel.isWritable()) {
            return drop(in, buf, notWritableSlowPath(channel));
        }
        channel.write(new DatagramPacket(buf, destination), channel.voidPromise());
        out.onSent(bytes);
        counters.onRelayed(bytes);
        return channel;
    }

    /**
     * Counts a packet that a stream's socket accepted for sending and then failed to send (Netty reports it as an
     * exception on that socket's pipeline, as the write used the void promise).
     *
     * @param out the stream whose socket failed.
     */
    public void onWriteFailed(final Stream out) {
        out.onSendFailed();
        counters.onDrop(DropReason.WRITE_FAILED);
    }

    private static DropReason notWritableSlowPath(final Channel channel) {
        return channel.isActive() ? DropReason.NOT_WRITABLE : DropReason.PEER_CLOSED;
    }

    private Channel drop(final Stream in, final ByteBuf buf, final DropReason reason) {
        buf.release();
        in.onDropped();
        counters.onDrop(reason);
        return null;
    }
}
