package io.rtprelay.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.rtprelay.relay.transport.DatagramEnvelope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The write step of the forwarding path alone, with the two envelopes a forwarded packet can travel in: Netty's
 * {@link DatagramPacket}, allocated per packet (what {@code Forwarder.onPacket} writes today), and the pooled
 * {@link DatagramEnvelope}. Each operation writes one packet to an {@link EmbeddedChannel}, flushes it and releases
 * what the channel wrote, on a Netty event-loop thread ({@link EventLoopThreadExecutor}) where the pool works.
 * {@code -prof gc} shows the bytes per packet the envelope costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.rtprelay.bench.jmh.EventLoopThreadExecutor"})
public class EnvelopeBenchmark {
    private EmbeddedChannel channel;
    private ByteBuf packet;
    private InetSocketAddress recipient;

    /** One channel, one reused packet buffer. */
    @Setup(Level.Trial)
    public void setUp() {
        channel = new EmbeddedChannel();
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(172).writeZero(172);
        recipient = new InetSocketAddress("192.0.2.20", 5_000);
    }

    /** Releases the channel and the buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        packet.release();
    }

    /** @return the written message's recipient. */
    @Benchmark
    public Object datagramPacket() {
        return writeAndFlush(new DatagramPacket(packet.retain(), recipient));
    }

    /** @return the written message's recipient. */
    @Benchmark
    public Object pooledEnvelope() {
        return writeAndFlush(DatagramEnvelope.of(packet.retain(), recipient));
    }

    private Object writeAndFlush(final Object message) {
        channel.write(message, channel.voidPromise());
        channel.flush();
        final Object written = channel.readOutbound();
        ReferenceCountUtil.release(written);
        return written == message ? recipient : null;
    }
}
