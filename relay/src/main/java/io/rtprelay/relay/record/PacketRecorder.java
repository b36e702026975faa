package io.rtprelay.relay.record;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The relay's packet recorder: one bounded ring shared by every event loop (Agrona's {@link ManyToOneRingBuffer}:
 * lock-free claims, a copy per packet, drops counted by the tap when it is full) and one writer thread
 * ({@link PcapWriterAgent}) that turns it into pcap files.
 *
 * <p>Used by the control thread: {@link #open} creates a recording's file (header written at once, so the file is
 * there when {@code start recording} is answered), {@link #tap} makes the per-stream taps to post to each stream's
 * loop, {@link #close} completes the file once the taps are detached. Ids are the caller's, unique among open
 * recordings.
 */
public final class PacketRecorder implements AutoCloseable {
    /** The default ring: 8 MiB, about 40,000 packets of 200 bytes, 0.8 s of 1,000 G.711 calls. */
    public static final int DEFAULT_RING_BYTES = 8 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(PacketRecorder.class);

    private final ManyToOneRingBuffer ring;
    private final PcapWriterAgent agent;
    private final AgentRunner runner;

    /**
     * Starts the writer thread.
     *
     * @param ringBytes the ring's capacity, a power of two of at least 1 MiB (a message must hold a 64 KiB packet).
     */
    public PacketRecorder(final int ringBytes) {
        if (Integer.bitCount(ringBytes) != 1 || ringBytes < 1024 * 1024) {
            throw new IllegalArgumentException("ring of " + ringBytes + " bytes: a power of two >= 1 MiB");
        }
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ringBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.agent = new PcapWriterAgent(ring);
        this.runner = new AgentRunner(
            new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1)),
            e -> LOG.error("recording writer failed", e), null, agent);
        AgentRunner.startOnThread(runner, r -> Thread.ofPlatform().name(agent.roleName()).daemon().unstarted(r));
    }

    /**
     * Creates a recording's pcap file (its header written) and hands it to the writer. Call before tapping streams.
     *
     * @param recordingId the recording.
     * @param file        the pcap file to create (replaced if it exists).
     * @param linkType    {@link PcapFormat#LINKTYPE_RAW} or {@link PcapFormat#LINKTYPE_ETHERNET}.
     * @throws IOException when the file cannot be created.
     */
    public void open(final int recordingId, final Path file, final int linkType) throws IOException {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        try {
            final ByteBuffer header = PcapFormat.fileHeader(linkType);
            while (header.hasRemaining()) {
                channel.write(header);
            }
        } catch (final IOException e) {
            channel.close();
            throw e;
        }
        agent.enqueue(new PcapWriterAgent.Open(new PcapFile(recordingId, file, channel, linkType)));
    }

    /**
     * @param recordingId an open recording.
     * @param local       the local address of the stream to record (the recorded packets' destination).
     * @return a tap to attach to the stream ({@code StreamProxy.record}).
     */
    public RecordingTap tap(final int recordingId, final InetSocketAddress local) {
        return new RecordingTap(ring, recordingId, local);
    }

    /**
     * Closes a recording's file once every packet already in the ring for it is written. Call after every tap of the
     * recording is detached (the detach tasks done).
     *
     * @param recordingId the recording.
     * @return completes with the number of packets written to the file.
     */
    public CompletableFuture<Long> close(final int recordingId) {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        agent.enqueue(new PcapWriterAgent.Close(recordingId, ring.producerPosition(), done));
        return done;
    }

    /** @return packets read from the ring after their recording was closed. */
    public long unknownPackets() {
        return agent.unknown();
    }

    /** @return packets that could not be written to their file. */
    public long writeErrors() {
        return agent.writeErrors();
    }

    /** Stops the writer: what is in the ring is written and every file closed. */
    @Override
    public void close() {
        runner.close();
    }
}
