package io.rtprelay.control.record;

import io.netty.util.concurrent.Future;
import io.rtprelay.control.config.RecordingConfig;
import io.rtprelay.relay.MediaSocket;
import io.rtprelay.relay.record.PacketRecorder;
import io.rtprelay.relay.record.PcapFormat;
import io.rtprelay.relay.record.RecordingTap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts and stops call recordings as rtpengine 10.5's {@code recording-method=pcap} does, with its files, names and
 * metadata format (observed on the real daemon; see README "Call recording"):
 *
 * <pre>
 * RECORDING-DIR/pcaps/CALLID-RANDOM.pcap                     the packets, while the call is recorded
 * RECORDING-DIR/tmp/rtpengine-meta-CALLID-RANDOM.tmp         the metadata, while the call is recorded
 * RECORDING-DIR/metadata/rtpengine-meta-CALLID-RANDOM.txt    the metadata, once the recording ended
 * </pre>
 *
 * CALLID is the call-id percent-encoded (every byte but {@code A-Z a-z 0-9 - . _ ~}, so it never names another
 * directory), RANDOM 16 hex digits, new for each recording (a call stopped and started again gets a second pair of
 * files). The metadata file starts with the pcap's path and two empty lines; each SDP the relay sends while recording
 * is appended as {@code Timestamp started ms: MS.USEC}, {@code SDP mode: offer|answer}, {@code SDP before RTP packet:
 * N}, an empty line, the SDP and an empty line; the end adds {@code Timestamp terminated ms(first monologue): MS.USEC}
 * (when the call was deleted, {@code 0.000} if it was not), an empty line, {@code call start time:} and {@code call
 * end time:} (local time, {@code YYYY-MM-DDThh:mm:ss}), and the call's {@code metadata} string after two empty lines
 * when one was given.
 *
 * <p>Control thread only (called under the call conductor's lock). Metadata files are small and written here, off
 * the event loops; the pcap is written by the relay's writer thread ({@link PacketRecorder}).
 */
public final class CallRecorder implements AutoCloseable {
    /** rtpengine's log line when recording is asked for without {@code recording-dir}. */
    public static final String NO_SPOOL_DIR = "Call recording requested, but no spool directory configured";

    private static final Logger LOG = LoggerFactory.getLogger(CallRecorder.class);
    private static final long LOOP_TASK_TIMEOUT_MS = 1_000;
    private static final long CLOSE_TIMEOUT_MS = 5_000;
    private static final long NO_SPOOL_DIR_LOG_INTERVAL_NS = 60_000_000_000L;
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final HexFormat HEX = HexFormat.of();

    private final PacketRecorder packets;
    /** When {@link #NO_SPOOL_DIR} was last logged ({@link System#nanoTime()}); 0 before the first time. */
    private long noSpoolDirLoggedNs;
    /** Requests refused with {@link #NO_SPOOL_DIR} since it was last logged. */
    private long noSpoolDirSuppressed;
    private final int linkType;
    private final Path pcaps;
    private final Path metadataDir;
    private final Path tmp;
    private int nextId = 1;
    private long endedRecorded;
    private long endedDropped;

    private CallRecorder(final PacketRecorder packets, final RecordingConfig config) {
        this.packets = packets;
        this.linkType = config.ethernet() ? PcapFormat.LINKTYPE_ETHERNET : PcapFormat.LINKTYPE_RAW;
        final Path dir = config.dir();
        this.pcaps = dir == null ? null : dir.resolve("pcaps");
        this.metadataDir = dir == null ? null : dir.resolve("metadata");
        this.tmp = dir == null ? null : dir.resolve("tmp");
    }

    /** @return a recorder with recording off: every start is logged and ignored, as rtpengine without a spool dir. */
    public static CallRecorder off() {
        return new CallRecorder(null, new RecordingConfig(null, false));
    }

    /**
     * Prepares the spool directory as rtpengine does at start (the directory itself if missing, not its parents;
     * {@code metadata}, {@code pcaps} and {@code tmp} in it) and starts the writer thread.
     *
     * @param config the recording keys.
     * @return the recorder; {@link #off()} when no directory is configured.
     * @throws IOException when the directories cannot be made: the relay must not start (rtpengine exits too).
     */
    public static CallRecorder start(final RecordingConfig config) throws IOException {
        if (!config.enabled()) {
            return off();
        }
        final Path dir = config.dir();
        if (!Files.isDirectory(dir)) {
            LOG.info("Creating spool directory \"{}\"", dir);
            Files.createDirectory(dir);
        }
        for (final String sub : List.of("metadata", "pcaps", "tmp")) {
            final Path path = dir.resolve(sub);
            if (!Files.isDirectory(path)) {
                Files.createDirectory(path);
            }
        }
        return new CallRecorder(new PacketRecorder(PacketRecorder.DEFAULT_RING_BYTES), config);
    }

    /**
     * rtpengine logs {@link #NO_SPOOL_DIR} at error level for every request; a Kamailio script that asks for every
     * call would fill the log, so it is logged at most once a minute, with the number of requests since the last
     * time.
     */
    private synchronized void noSpoolDirSlowPath(final long nowNs) {
        if (noSpoolDirLoggedNs != 0 && nowNs - noSpoolDirLoggedNs < NO_SPOOL_DIR_LOG_INTERVAL_NS) {
            noSpoolDirSuppressed++;
            return;
        }
        if (noSpoolDirSuppressed == 0) {
            LOG.error(NO_SPOOL_DIR);
        } else {
            LOG.error("{} ({} more requests since this was last logged)", NO_SPOOL_DIR, noSpoolDirSuppressed);
        }
        noSpoolDirLoggedNs = nowNs == 0 ? 1 : nowNs;
        noSpoolDirSuppressed = 0;
    }

    /** @return whether recording is on ({@code recording-dir} set). */
    public boolean enabled() {
        return packets != null;
    }

    /**
     * Starts recording a call: creates its pcap and metadata files and taps every socket.
     *
     * @param callId    the call.
     * @param createdMs when the call was created (its {@code call start time}).
     * @param sockets   the call's sockets.
     * @return the recording, or null when recording is off or its files cannot be created (logged).
     */
    public CallRecording start(final String callId, final long createdMs, final List<MediaSocket> sockets) {
        if (packets == null) {
            noSpoolDirSlowPath(System.nanoTime());
            return null;
        }
        final byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        final String stem = fileName(callId) + "-" + HEX.formatHex(random);
        final CallRecording recording = new CallRecording(nextId++, pcaps.resolve(stem + ".pcap"),
            tmp.resolve("rtpengine-meta-" + stem + ".tmp"), metadataDir.resolve("rtpengine-meta-" + stem + ".txt"),
            createdMs);
        try {
            Files.writeString(recording.tmpMetadata, recording.pcap + "\n\n\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            packets.open(recording.id, recording.pcap, linkType);
        } catch (final IOException e) {
            LOG.error("cannot start recording {}: {}", recording.pcap, e.toString());
            deleteQuietly(recording.tmpMetadata);
            return null;
        }
        LOG.info("Turning on call recording: {}", recording.pcap);
        attach(recording, sockets);
        return recording;
    }

    /**
     * Taps the sockets of the call that are not tapped yet (media added by a re-offer), and forgets closed ones.
     *
     * @param recording the call's recording.
     * @param sockets   the call's sockets now.
     */
    public void attach(final CallRecording recording, final List<MediaSocket> sockets) {
        final List<Future<?>> posted = new ArrayList<>();
        for (final MediaSocket socket : sockets) {
            if (!recording.taps.containsKey(socket) && socket.channel().isOpen()) {
                final RecordingTap tap = packets.tap(recording.id, socket.localAddress());
                recording.taps.put(socket, tap);
                posted.add(socket.proxy().record(tap));
            }
        }
        awaitOnLoops(posted);
    }

    /**
     * Appends an SDP the relay sent to the metadata file.
     *
     * @param recording the call's recording.
     * @param mode      {@code offer} or {@code answer}.
     * @param sdp       the SDP as sent.
     */
    public void sdp(final CallRecording recording, final String mode, final String sdp) {
        append(recording, "Timestamp started ms: " + milliseconds(nowUs()) + "\nSDP mode: " + mode
            + "\nSDP before RTP packet: " + (recording.recordedPackets() + 1) + "\n\n" + sdp + "\n");
    }

    /**
     * Ends a recording: detaches the taps, completes the pcap, finishes the metadata file and moves it to
     * {@code metadata/}.
     *
     * @param recording    the call's recording.
     * @param terminatedUs when the call was deleted (epoch microseconds), 0 when it was not.
     * @param metadata     the call's {@code metadata} string, or null.
     */
    public void stop(final CallRecording recording, final long terminatedUs, final String metadata) {
        final List<Future<?>> posted = new ArrayList<>();
        for (final Map.Entry<MediaSocket, RecordingTap> e : recording.taps.entrySet()) {
            try {
                posted.add(e.getKey().proxy().record(null));
            } catch (final RejectedExecutionException stopped) {
                LOG.debug("media loop of {} already stopped", e.getKey());
            }
            recording.detached.add(e.getValue());
        }
        recording.taps.clear();
        awaitOnLoops(posted);
        endedRecorded += recording.recordedPackets();
        endedDropped += recording.droppedPackets();
        try {
            final long written = packets.close(recording.id).get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            LOG.info("Turning off call recording: {} packets in {} ({} not recorded: ring full)", written,
                recording.pcap, recording.droppedPackets());
        } catch (final ExecutionException | TimeoutException e) {
            LOG.warn("recording {} not completed in {} ms: {}", recording.pcap, CLOSE_TIMEOUT_MS, e.toString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        final StringBuilder end = new StringBuilder(160);
        end.append("Timestamp terminated ms(first monologue): ")
            .append(terminatedUs == 0 ? "0.000" : milliseconds(terminatedUs))
            .append("\n\ncall start time: ").append(localTime(recording.callCreatedMs))
            .append("\ncall end time: ").append(localTime(System.currentTimeMillis())).append('\n');
        if (metadata != null) {
            end.append("\n\n").append(metadata).append('\n');
        }
        append(recording, end.toString());
        try {
            Files.move(recording.tmpMetadata, recording.metadata, StandardCopyOption.REPLACE_EXISTING);
        } catch (final IOException e) {
            LOG.error("cannot move {} to {}: {}", recording.tmpMetadata, metadataDir, e.toString());
        }
    }

    /**
     * @param live the recordings running now.
     * @return what was recorded since start, theirs and the ended ones'.
     */
    public RecordingTotals totals(final List<CallRecording> live) {
        long recorded = endedRecorded;
        long dropped = endedDropped;
        for (final CallRecording recording : live) {
            recorded += recording.recordedPackets();
            dropped += recording.droppedPackets();
        }
        return new RecordingTotals(live.size(), recorded, dropped);
    }

    /** @return packets the relay's writer read after their recording had ended (0 unless a tap outlived it). */
    public long unknownPackets() {
        return packets == null ? 0 : packets.unknownPackets();
    }

    /** Stops the writer thread (after the calls were destroyed). */
    @Override
    public void close() {
        if (packets != null) {
            packets.close();
        }
    }

    /** @return the current time in epoch microseconds. */
    public static long nowUs() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    /**
     * @param callId a call-id.
     * @return it as rtpengine puts it in file names: percent-encoded UTF-8, all but RFC 3986's unreserved characters.
     */
    static String fileName(final String callId) {
        final StringBuilder out = new StringBuilder(callId.length() + 8);
        for (final byte b : callId.getBytes(StandardCharsets.UTF_8)) {
            final int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char)c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** @return epoch microseconds as rtpengine writes milliseconds: {@code MS.USEC}. */
    static String milliseconds(final long epochUs) {
        final long fraction = epochUs % 1_000;
        return epochUs / 1_000 + "." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + fraction;
    }

    private static String localTime(final long epochMs) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneId.systemDefault()).format(LOCAL_TIME);
    }

    private static void append(final CallRecording recording, final String text) {
        try {
            Files.writeString(recording.tmpMetadata, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (final IOException e) {
            LOG.error("cannot write metadata {}: {}", recording.tmpMetadata, e.toString());
        }
    }

    private static void awaitOnLoops(final List<Future<?>> posted) {
        for (final Future<?> f : posted) {
            if (!f.awaitUninterruptibly(LOOP_TASK_TIMEOUT_MS)) {
                LOG.warn("a media loop took over {} ms to attach or detach a recording tap", LOOP_TASK_TIMEOUT_MS);
            }
        }
    }

    private static void deleteQuietly(final Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (final IOException e) {
            LOG.debug("cannot delete {}: {}", file, e.toString());
        }
    }
}
