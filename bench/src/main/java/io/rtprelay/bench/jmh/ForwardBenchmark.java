package io.rtprelay.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.rtprelay.relay.forward.Forwarder;
import io.rtprelay.relay.forward.ForwarderCounters;
import io.rtprelay.relay.record.PacketRecorder;
import io.rtprelay.relay.record.PcapFormat;
import io.rtprelay.relay.record.RecordingTap;
import io.rtprelay.relay.stream.LatchMode;
import io.rtprelay.relay.stream.MediaControl;
import io.rtprelay.relay.stream.Stream;
import io.rtprelay.relay.stream.StreamProxy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The relay's per-packet path without the kernel: {@link Forwarder#onPacket} on a real {@link Stream} pair (side A
 * received, latched, forwarded out of side B's channel to B's endpoint), then the flush of B's channel and the
 * release of the written packet, as the end of a read batch does. The channels are Netty {@link EmbeddedChannel}s,
 * so what is measured is ours plus Netty's outbound buffer, not the syscalls (the load generator measures those).
 *
 * <p>The benchmark thread is a Netty {@code FastThreadLocalThread}, as an event loop's is ({@link
 * EventLoopThreadExecutor}): Netty's recycler pools the outbound buffer's entries only there.
 *
 * <p>Allocation ({@code -prof gc}): the packet buffer is reused (retained per operation, released by the write), the
 * source address alternates between two equal instances (as Netty hands a new one per datagram), so the bytes per
 * operation are the {@code DatagramPacket} envelope the forwarder allocates for the write -- Netty's write API takes
 * an addressed envelope. Netty's read side (its envelope and the sender's address per datagram) is not part of this
 * benchmark; JFR allocation events in a load run count it.
 *
 * <p>{@code recorded=true}: the call is recorded (rtpengine's pcap recording), so each packet is also copied into the
 * recording ring by a {@code RecordingTap}; the relay's writer thread drains the ring into {@code /dev/null}. When
 * the writer falls behind, packets are counted as dropped instead of copied; the teardown prints both counts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.rtprelay.bench.jmh.EventLoopThreadExecutor"})
public class ForwardBenchmark {
    private static final int RTP_BYTES = 172;

    /**
     * What control asked for A's media: {@code none}, or {@code silence} (rtpengine's silence media: the PCMU
     * payload is overwritten with 0xFF on every packet, the media control slow path).
     */
    @Param({"none", "silence"})
    public String mediaControl;

    private EmbeddedChannel channelA;
    private EmbeddedChannel channelB;
    private Stream streamA;
    private Forwarder forwarder;
    private ByteBuf packet;
    private InetSocketAddress source1;
    private InetSocketAddress source2;
    private long nowNs;
    private PacketRecorder recorder;
    private RecordingTap tap;

    /** Whether the call is recorded. */
    @Param({"false", "true"})
    public boolean recorded;

    /**
     * Binds A (from 192.0.2.10:4000) to forward out of B (to 192.0.2.20:5000) on one loop.
     *
     * @throws UnknownHostException never (literal addresses).
     */
    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        channelA = new EmbeddedChannel();
        channelB = new EmbeddedChannel();
        streamA = new Stream(channelA, channelA.eventLoop(), 30_000, false);
        final Stream streamB = new Stream(channelB, channelA.eventLoop(), 30_002, false);
        final InetAddress a = InetAddress.getByName("192.0.2.10");
        final InetSocketAddress endpointB = new InetSocketAddress(InetAddress.getByName("192.0.2.20"), 5_000);
        source1 = new InetSocketAddress(a, 4_000);
        source2 = new InetSocketAddress(InetAddress.getByAddress(a.getAddress()), 4_000);
        new StreamProxy(streamA).bind(source1, LatchMode.LATCH, streamB);
        new StreamProxy(streamB).bind(endpointB, LatchMode.LATCH, streamA);
        if (recorded) {
            recorder = new PacketRecorder(PacketRecorder.DEFAULT_RING_BYTES);
            try {
                recorder.open(1, Path.of("/dev/null"), PcapFormat.LINKTYPE_RAW);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            tap = recorder.tap(1, new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 30_000));
            new StreamProxy(streamA).record(tap);
        }
        if ("silence".equals(mediaControl)) {
            new StreamProxy(streamA).mediaControl(MediaControl.builder().build(MediaControl.SILENCE_MEDIA));
        }
        channelA.runPendingTasks();
        forwarder = new Forwarder(new ForwarderCounters());
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(RTP_BYTES);
        packet.writeByte(0x80).writeByte(0).writeShort(1).writeInt(160).writeInt(0x1234_5678);
        packet.writeZero(RTP_BYTES - 12);
    }

    /** Releases the channels and the buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        channelA.finishAndReleaseAll();
        channelB.finishAndReleaseAll();
        packet.release();
        if (recorder != null) {
            System.out.println("recorded " + tap.recorded() + ", dropped (ring full) " + tap.dropped());
            recorder.close();
        }
    }

    /** @return the channel written to. */
    @Benchmark
    public Channel forwardOnePacket() {
        packet.retain().readerIndex(0);
        nowNs += 20_000_000L;
        final Channel written = forwarder.onPacket(streamA, packet, (nowNs & (1L << 25)) == 0 ? source1 : source2,
            nowNs);
        written.flush();
        ReferenceCountUtil.release(channelB.readOutbound());
        return written;
    }
}
