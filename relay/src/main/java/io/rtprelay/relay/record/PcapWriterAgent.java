package io.rtprelay.relay.record;

import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The recording writer: drains the recording ring into the pcap files of open recordings. Runs on its own thread
 * (an Agrona {@code AgentRunner} started by {@link PacketRecorder}), the only thread that writes pcap files; the
 * event loops only copy into the ring.
 *
 * <p>Records are buffered per file and written when a buffer fills, every 100 ms, and when the file closes: a
 * recording's file is complete when its close completes, and at most 100 ms behind while it runs.
 *
 * <p>Commands from the control thread (open, close) come through a lock-free queue. Ordering with the packets in
 * the ring: an open is queued before any stream is tapped, so a packet whose recording is not yet known makes the
 * agent take the queued commands first; a close carries the ring's producer position taken after every tap of the
 * recording was detached, and is carried out once the consumer has passed that position, so no packet of the
 * recording is left behind in the ring.
 */
final class PcapWriterAgent implements Agent, MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PcapWriterAgent.class);
    private static final int READ_BATCH = 256;
    private static final long CLOCK_RESYNC_NS = 1_000_000_000L;
    /** Buffered records reach their file at least this often (and when a buffer fills, and at close). */
    private static final long FLUSH_INTERVAL_NS = 100_000_000L;
    private static final VarHandle UNKNOWN;
    private static final VarHandle WRITE_ERRORS;

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            UNKNOWN = lookup.findVarHandle(PcapWriterAgent.class, "unknown", long.class);
            WRITE_ERRORS = lookup.findVarHandle(PcapWriterAgent.class, "writeErrors", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A command from the control thread. */
    sealed interface Command permits Open, Close {
    }

    /** Start writing the packets of {@code recordingId} to {@code file}. */
    record Open(PcapFile file) implements Command {
    }

    /** Close the file of {@code recordingId} once the ring's consumer has passed {@code position}. */
    record Close(int recordingId, long position, CompletableFuture<Long> done) implements Command {
    }

    private final RingBuffer ring;
    private final ManyToOneConcurrentLinkedQueue<Command> commands = new ManyToOneConcurrentLinkedQueue<>();
    private final Int2ObjectHashMap<PcapFile> files = new Int2ObjectHashMap<>();
    private final List<Close> pendingCloses = new ArrayList<>();
    private long epochOffsetNs;
    private long clockSyncedNs;
    private long flushedNs;
    private long unknown;
    private long writeErrors;

    PcapWriterAgent(final RingBuffer ring) {
        this.ring = ring;
        resyncClock(System.nanoTime());
    }

    /** Queues a command; any thread. */
    void enqueue(final Command command) {
        commands.offer(command);
    }

    @Override
    public int doWork() {
        int work = drainCommands();
        final int read = ring.read(this, READ_BATCH);
        work += read;
        work += closeDue();
        final long nowNs = System.nanoTime();
        if (nowNs - flushedNs >= FLUSH_INTERVAL_NS) {
            flushedNs = nowNs;
            flushAll();
        }
        if (nowNs - clockSyncedNs > CLOCK_RESYNC_NS) {
            resyncClock(nowNs);
        }
        return work;
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length) {
        final int id = buffer.getInt(index + RecordedPacket.RECORDING_ID_OFFSET, ByteOrder.BIG_ENDIAN);
        PcapFile file = files.get(id);
        if (file == null) {
            drainCommands();
            file = files.get(id);
            if (file == null) {
                UNKNOWN.setRelease(this, unknown + 1);
                return;
            }
        }
        final long nowNs = buffer.getLong(index + RecordedPacket.NOW_NS_OFFSET, ByteOrder.BIG_ENDIAN);
        final long epochUs = (nowNs + epochOffsetNs) / 1_000;
        try {
            if (!file.append(epochUs, buffer, index, length, msgTypeId == RecordedPacket.TYPE_IPV6)) {
                WRITE_ERRORS.setRelease(this, writeErrors + 1);
            }
        } catch (final IOException e) {
            WRITE_ERRORS.setRelease(this, writeErrors + 1);
            LOG.warn("recording {}: cannot write {} (further packets of it are dropped): {}", id, file.path(),
                e.toString());
        }
    }

    private int drainCommands() {
        int work = 0;
        Command command;
        while ((command = commands.poll()) != null) {
            work++;
            switch (command) {
                case Open open -> files.put(open.file().recordingId(), open.file());
                case Close close -> pendingCloses.add(close);
            }
        }
        return work;
    }

    private int closeDue() {
        if (pendingCloses.isEmpty()) {
            return 0;
        }
        int work = 0;
        final long consumed = ring.consumerPosition();
        for (final Iterator<Close> it = pendingCloses.iterator(); it.hasNext(); ) {
            final Close close = it.next();
            if (consumed - close.position() >= 0) {
                it.remove();
                work++;
                close.done().complete(closeFile(files.remove(close.recordingId())));
            }
        }
        return work;
    }

    private long closeFile(final PcapFile file) {
        if (file == null) {
            return 0;
        }
        try {
            file.close();
        } catch (final IOException e) {
            WRITE_ERRORS.setRelease(this, writeErrors + 1);
            LOG.warn("recording {}: cannot complete {}: {}", file.recordingId(), file.path(), e.toString());
        }
        return file.packets();
    }

    private void flushAll() {
        for (final PcapFile file : files.values()) {
            if (file.dirty()) {
                try {
                    file.flush();
                } catch (final IOException e) {
                    WRITE_ERRORS.setRelease(this, writeErrors + 1);
                    LOG.warn("recording {}: cannot write {}: {}", file.recordingId(), file.path(), e.toString());
                }
            }
        }
    }

    private void resyncClock(final long nowNs) {
        final Instant now = Instant.now();
        epochOffsetNs = now.getEpochSecond() * 1_000_000_000L + now.getNano() - nowNs;
        clockSyncedNs = nowNs;
    }

    @Override
    public void onClose() {
        ring.read(this, Integer.MAX_VALUE);
        drainCommands();
        for (final Close close : pendingCloses) {
            close.done().complete(closeFile(files.remove(close.recordingId())));
        }
        pendingCloses.clear();
        for (final PcapFile file : files.values()) {
            closeFile(file);
        }
        files.clear();
    }

    @Override
    public String roleName() {
        return "rtprelay-recording";
    }

    /** @return packets read from the ring whose recording was not open (already closed). Any thread. */
    long unknown() {
        return (long)UNKNOWN.getAcquire(this);
    }

    /** @return packets not written because their file could not be written. Any thread. */
    long writeErrors() {
        return (long)WRITE_ERRORS.getAcquire(this);
    }
}
