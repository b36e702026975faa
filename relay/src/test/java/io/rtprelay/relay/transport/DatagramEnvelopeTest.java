package io.rtprelay.relay.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DatagramEnvelopeTest {

    @ParameterizedTest
    @ValueSource(strings = {Transports.EPOLL, Transports.IO_URING, Transports.NIO})
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void everyTransportSendsAnEnvelopeToItsRecipientAndReleasesItsBuffer(final String name) throws Exception {
        assumeTrue(Transports.isAvailable(name), () -> name + " unavailable");
        final Transport transport = Transports.select(name);
        final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        try (DatagramSocket phone = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            phone.setSoTimeout(5_000);
            final EventLoop loop = group.next();
            final DatagramChannel channel = transport.newChannel(SocketProtocolFamily.INET);
            channel.pipeline().addLast(new ChannelHandlerAdapter() { });
            loop.register(channel).sync();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync();
            final ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(16)
                .writeBytes("rtp".getBytes(StandardCharsets.US_ASCII));

            final ChannelFuture write = loop.submit(() -> channel.writeAndFlush(
                DatagramEnvelope.of(payload, (InetSocketAddress)phone.getLocalSocketAddress())))
                .get(5, TimeUnit.SECONDS);

            final DatagramPacket received = new DatagramPacket(new byte[64], 64);
            phone.receive(received);
            assertTrue(write.await(5, TimeUnit.SECONDS) && write.isSuccess(), () -> String.valueOf(write.cause()));
            assertEquals("rtp", new String(received.getData(), 0, received.getLength(), StandardCharsets.US_ASCII));
            assertEquals(channel.localAddress().getPort(), received.getPort());
            assertEquals(0, payload.refCnt(), "the channel released the buffer");
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void onAnEventLoopAReleasedEnvelopeIsTakenAgainInsteadOfANewOne() throws Exception {
        final MultiThreadIoEventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, Transports.select(Transports.NIO).ioHandlerFactory());
        try {
            final InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
            final boolean reused = group.next().submit(() -> {
                final DatagramEnvelope first = DatagramEnvelope.of(Unpooled.buffer(1), to);
                first.release();
                final DatagramEnvelope second = DatagramEnvelope.of(Unpooled.buffer(1), to);
                second.release();
                return first == second;
            }).get(5, TimeUnit.SECONDS);
            assertTrue(reused);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aRetainedEnvelopeStaysUntilItsLastHolderReleasesIt() {
        final InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        final ByteBuf buf = Unpooled.buffer(4).writeInt(7);
        final DatagramEnvelope envelope = DatagramEnvelope.of(buf, to).retain();
        assertEquals(2, envelope.refCnt());

        assertFalse(envelope.release());
        assertSame(buf, envelope.content());
        assertSame(to, envelope.recipient());
        assertTrue(envelope.release());

        assertEquals(0, envelope.refCnt());
        assertThrows(IllegalStateException.class, envelope::content);
    }

    @Test
    void aReplacementCarriesTheRecipientAndItsOwnBuffer() {
        final InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        final DatagramEnvelope envelope = DatagramEnvelope.of(Unpooled.buffer(4).writeInt(7), to);
        final DatagramEnvelope copy = (DatagramEnvelope)envelope.copy();
        assertNotSame(envelope.content(), copy.content());
        assertEquals(7, copy.content().getInt(0));
        assertSame(to, copy.recipient());
        copy.release();
        envelope.release();
    }
}
