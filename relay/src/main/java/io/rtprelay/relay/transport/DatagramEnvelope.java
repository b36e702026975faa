package io.rtprelay.relay.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.AddressedEnvelope;
import io.netty.util.Recycler;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A datagram to write -- a buffer and the address it goes to -- taken from a pool instead of allocated: the
 * recyclable counterpart of Netty's {@code DatagramPacket} for the packet path, where Netty's write API needs an
 * addressed envelope per packet. The epoll, io_uring and NIO datagram channels accept any {@link AddressedEnvelope}
 * whose content is a direct {@link ByteBuf}; the channel releases it once written (or failed), which releases the
 * buffer and returns the envelope to the pool.
 *
 * <p>Pooling is Netty's {@link Recycler}, which keeps objects per thread only on Netty's event-loop threads (there a
 * forwarded packet allocates nothing); on any other thread {@link #of} allocates, and recycling is a no-op. Not
 * thread-safe: an envelope is used by the loop that took it until the channel releases it.
 *
 * <p>Reference counting: the envelope counts its own holders besides the buffer's count, so that a {@link #retain()}
 * and the matching {@link #release()} never recycle it while someone still holds it; it is recycled when its last
 * holder releases it.
 */
public final class DatagramEnvelope implements AddressedEnvelope<ByteBuf, InetSocketAddress>, ByteBufHolder {
    private static final Recycler<DatagramEnvelope> POOL = new Recycler<>() {
        @Override
        protected DatagramEnvelope newObject(final Handle<DatagramEnvelope> handle) {
            return new DatagramEnvelope(handle);
        }
    };

    private final Recycler.Handle<DatagramEnvelope> handle;
    private ByteBuf content;
    private InetSocketAddress recipient;
    private int holders;

    private DatagramEnvelope(final Recycler.Handle<DatagramEnvelope> handle) {
        this.handle = handle;
    }

    /**
     * @param content   the datagram; its ownership passes to the envelope.
     * @param recipient where it goes.
     * @return a pooled envelope holding both, with one holder.
     */
    public static DatagramEnvelope of(final ByteBuf content, final InetSocketAddress recipient) {
        final DatagramEnvelope envelope = POOL.get();
        envelope.content = Objects.requireNonNull(content, "content");
        envelope.recipient = Objects.requireNonNull(recipient, "recipient");
        envelope.holders = 1;
        return envelope;
    }

    @Override
    public ByteBuf content() {
        if (holders <= 0) {
            throw new IllegalStateException("envelope already released");
        }
        return content;
    }

    /** @return null: the sending socket's own address applies. */
    @Override
    public InetSocketAddress sender() {
        return null;
    }

    @Override
    public InetSocketAddress recipient() {
        return recipient;
    }

    @Override
    public int refCnt() {
        return holders <= 0 ? 0 : content.refCnt();
    }

    @Override
    public DatagramEnvelope retain() {
        return retain(1);
    }

    @Override
    public DatagramEnvelope retain(final int increment) {
        content().retain(increment);
        holders += increment;
        return this;
    }

    @Override
    public DatagramEnvelope touch() {
        content().touch();
        return this;
    }

    @Override
    public DatagramEnvelope touch(final Object hint) {
        content().touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(final int decrement) {
        final boolean deallocated = content().release(decrement);
        holders -= decrement;
        if (holders <= 0) {
            content = null;
            recipient = null;
            holders = 0;
            handle.recycle(this);
        }
        return deallocated;
    }

    /** @return an unpooled copy (a new buffer), for the rare caller that wants one. */
    @Override
    public ByteBufHolder copy() {
        return replace(content().copy());
    }

    @Override
    public ByteBufHolder duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public ByteBufHolder retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public ByteBufHolder replace(final ByteBuf replacement) {
        return of(replacement, recipient);
    }

    @Override
    public String toString() {
        return "DatagramEnvelope[" + (holders <= 0 ? "released" : content.readableBytes() + " bytes") + " -> "
            + recipient + "]";
    }
}
