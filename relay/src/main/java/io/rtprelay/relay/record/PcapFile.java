package io.rtprelay.relay.record;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One open pcap file of a recording, written by the {@link PcapWriterAgent} only: records are assembled in a direct
 * buffer and written to the file when it fills, when the writer's flush interval passes, and at close.
 */
final class PcapFile {
    /** Room for at least one record of the largest size, so a record never needs a buffer of its own. */
    private static final int BUFFER_BYTES = 128 * 1024;

    private final int recordingId;
    private final Path path;
    private final FileChannel channel;
    private final int linkType;
    private final ByteBuffer pending = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private long packets;
    private boolean failed;

    PcapFile(final int recordingId, final Path path, final FileChannel channel, final int linkType) {
        this.recordingId = recordingId;
        this.path = path;
        this.channel = channel;
        this.linkType = linkType;
    }

    /**
     * Appends one recorded packet.
     *
     * @return false when the file cannot be written (the error is reported once, by the caller).
     */
    boolean append(final long epochUs, final DirectBuffer message, final int index, final int length,
        final boolean ipv6) throws IOException {
        if (failed) {
            return false;
        }
        final int payload = length - RecordedPacket.PAYLOAD_OFFSET;
        final int record = PcapFormat.RECORD_HEADER_LENGTH + PcapFormat.capturedLength(linkType, ipv6, payload);
        if (pending.remaining() < record) {
            flush();
        }
        put(pending, epochUs, message, index, ipv6, payload);
        packets++;
        return true;
    }

    private void put(final ByteBuffer out, final long epochUs, final DirectBuffer message, final int index,
        final boolean ipv6, final int payload) {
        PcapFormat.putHeaders(out, linkType, epochUs, message, index, ipv6, payload);
        final int position = out.position();
        message.getBytes(index + RecordedPacket.PAYLOAD_OFFSET, out, position, payload);
        out.position(position + payload);
    }

    /** Writes what is buffered. */
    void flush() throws IOException {
        if (pending.position() > 0 && !failed) {
            pending.flip();
            writeFully(pending);
            pending.clear();
        }
    }

    private void writeFully(final ByteBuffer bytes) throws IOException {
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (final IOException e) {
            failed = true;
            throw e;
        }
    }

    boolean dirty() {
        return pending.position() > 0;
    }

    /** Flushes and closes; the file is complete afterwards. */
    void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }

    int recordingId() {
        return recordingId;
    }

    Path path() {
        return path;
    }

    long packets() {
        return packets;
    }
}
