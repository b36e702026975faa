package io.rtprelay.control.record;

import io.rtprelay.relay.MediaSocket;
import io.rtprelay.relay.record.RecordingTap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One recording of one call, from {@code start recording} (or {@code record call}) to its stop: the pcap file, the
 * metadata file (in {@code tmp/} while it runs, moved to {@code metadata/} when it ends, as rtpengine does) and the
 * taps attached to the call's sockets. Control thread only, under the call conductor's lock.
 */
public final class CallRecording {
    final int id;
    final Path pcap;
    final Path tmpMetadata;
    final Path metadata;
    final long callCreatedMs;
    /** The tap on each socket of the call that is recorded. */
    final Map<MediaSocket, RecordingTap> taps = new LinkedHashMap<>();
    /** Taps detached when the recording stopped: their counts still add up. */
    final List<RecordingTap> detached = new ArrayList<>();

    CallRecording(final int id, final Path pcap, final Path tmpMetadata, final Path metadata,
        final long callCreatedMs) {
        this.id = id;
        this.pcap = pcap;
        this.tmpMetadata = tmpMetadata;
        this.metadata = metadata;
        this.callCreatedMs = callCreatedMs;
    }

    /** @return the pcap file, as the {@code recordings} key of offer and answer replies names it. */
    public Path pcap() {
        return pcap;
    }

    /** @return where the metadata file is once the recording ended. */
    public Path metadata() {
        return metadata;
    }

    /** @return packets handed to the writer so far. */
    public long recordedPackets() {
        long sum = 0;
        for (final RecordingTap tap : taps.values()) {
            sum += tap.recorded();
        }
        for (final RecordingTap tap : detached) {
            sum += tap.recorded();
        }
        return sum;
    }

    /** @return packets not recorded because the recording ring was full. */
    public long droppedPackets() {
        long sum = 0;
        for (final RecordingTap tap : taps.values()) {
            sum += tap.dropped();
        }
        for (final RecordingTap tap : detached) {
            sum += tap.dropped();
        }
        return sum;
    }
}
