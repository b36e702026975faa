package io.rtprelay.relay.stream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.rtprelay.relay.record.RecordingTap;
import io.rtprelay.srtp.SrtpContext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One direction of media as seen by one local socket: packets received on this stream's socket come from its remote
 * endpoint, and packets forwarded to that endpoint leave through this socket (so the endpoint sees them come from
 * the port advertised to it). 1:1 with a bound media socket; RTP and RTCP are separate streams on adjacent ports
 * (RFC 3550 §11).
 *
 * <p>State: the expected endpoint from SDP (null when unknown, e.g. {@code c=IN IP4 0.0.0.0} for hold or port 0),
 * the learned (latched) endpoint and the {@link LatchMode}, the peer stream that received packets are forwarded out
 * of, the {@code blocked} flag, the SRTP contexts (one that unprotects what the party sends to this socket, one that
 * protects what this socket sends to the party; null for plain RTP), and counters.
 *
 * <p>Threading: owned by the event loop of its socket, the single writer of every field. The control thread changes
 * it only through {@link StreamProxy} (tasks posted to {@link #loop()}); the {@code on…} methods below run on the
 * loop. Counters and the endpoint are published with release writes and may be read from any thread with the
 * acquire accessors; they are never locked.
 */
public final class Stream {
    private static final VarHandle PACKETS_IN;
    private static final VarHandle BYTES_IN;
    private static final VarHandle ERRORS_IN;
    private static final VarHandle PACKETS_OUT;
    private static final VarHandle BYTES_OUT;
    private static final VarHandle ERRORS_OUT;
    private static final VarHandle RELATCHES;
    private static final VarHandle TAKEOVERS_REFUSED;
    private static final VarHandle FIRST_PACKET_NS;
    private static final VarHandle LAST_PACKET_NS;
    private static final VarHandle ENDPOINT;
    private static final VarHandle LEARNED;

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            PACKETS_IN = lookup.findVarHandle(Stream.class, "packetsIn", long.class);
            BYTES_IN = lookup.findVarHandle(Stream.class, "bytesIn", long.class);
            ERRORS_IN = lookup.findVarHandle(Stream.class, "errorsIn", long.class);
            PACKETS_OUT = lookup.findVarHandle(Stream.class, "packetsOut", long.class);
            BYTES_OUT = lookup.findVarHandle(Stream.class, "bytesOut", long.class);
            ERRORS_OUT = lookup.findVarHandle(Stream.class, "errorsOut", long.class);
            RELATCHES = lookup.findVarHandle(Stream.class, "relatches", long.class);
            TAKEOVERS_REFUSED = lookup.findVarHandle(Stream.class, "takeoversRefused", long.class);
            FIRST_PACKET_NS = lookup.findVarHandle(Stream.class, "firstPacketNs", long.class);
            LAST_PACKET_NS = lookup.findVarHandle(Stream.class, "lastPacketNs", long.class);
            ENDPOINT = lookup.findVarHandle(Stream.class, "endpoint", InetSocketAddress.class);
            LEARNED = lookup.findVarHandle(Stream.class, "learned", InetSocketAddress.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The learning window after each signal of the call: 3 s, as rtpengine's. */
    public static final long LEARNING_WINDOW_NS = 3_000_000_000L;
    /** How far ahead of the last sequence number a packet continues the stream ({@link LatchMode#SSRC_HANDOVER}). */
    public static final int SEQ_WINDOW = 64;
    /** {@link #onReceive}: the packet is accepted. */
    public static final int ACCEPTED = 1;
    /** {@link #onReceive}: the packet comes from a foreign source the stream drops ({@code strict-source}). */
    public static final int FOREIGN = 0;
    /** {@link #onReceive}: the packet comes from a new source that may not take over ({@code learning=ssrc}). */
    public static final int TAKEOVER_REFUSED = -1;
    private static final int RANK_NONE = 4;

    private final Channel channel;
    private final EventLoop loop;
    private final int localPort;
    private final boolean rtcp;

    // Loop-owned state, read and written only on the loop.
    private InetSocketAddress expected;
    private InetSocketAddress lastKnownExpected;
    private LatchMode mode = LatchMode.LATCH;
    private Stream peer;
    private boolean blocked;
    private MediaControl mediaControl = MediaControl.NONE;
    private SrtpContext srtpIngress;
    private SrtpContext srtpEgress;
    private RecordingTap recording;
    private DtlsTransport dtls;
    private EndpointLearning learning = EndpointLearning.IMMEDIATE;
    private boolean committed;
    private long windowEndNs;
    private int learnedRank = RANK_NONE;
    private int lastSsrc;
    private int lastSeq = -1;

    // Written only by the loop (release); read by any thread (acquire).
    private InetSocketAddress learned;
    private InetSocketAddress endpoint;
    private long packetsIn;
    private long bytesIn;
    private long errorsIn;
    private long packetsOut;
    private long bytesOut;
    private long errorsOut;
    private long relatches;
    private long takeoversRefused;
    private long firstPacketNs;
    private long lastPacketNs;

    /**
     * @param channel   the socket this stream receives on and sends out of.
     * @param loop      the event loop the channel is (or will be) registered on: the owner of this stream.
     * @param localPort the local port the channel is bound to, for logs and statistics.
     * @param rtcp      whether this is the RTCP stream of its pair.
     */
    public Stream(final Channel channel, final EventLoop loop, final int localPort, final boolean rtcp) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.localPort = localPort;
        this.rtcp = rtcp;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Packet path: the owning loop only.

    /**
     * Latches and counts a received packet, for a caller that knows nothing of its contents (tests).
     *
     * @return true when the packet is accepted from this source.
     */
    public boolean onReceive(final InetSocketAddress source, final int bytes, final long nowNs) {
        return onReceive(source, bytes, nowNs, 0, -1, false) == ACCEPTED;
    }

    /**
     * Learns from and counts a received packet; the loop only. The common case, a committed stream and a packet
     * from its learned endpoint, is one comparison.
     *
     * @param source        the packet's source address, as Netty delivered it (kept if it becomes the endpoint).
     * @param bytes         the packet's length.
     * @param nowNs         {@link System#nanoTime()} of the read batch.
     * @param ssrc          the packet's SSRC (RTP), or sender SSRC (RTCP); 0 when too short to have one.
     * @param seq           the RTP sequence number, or -1 (RTCP, too short).
     * @param authenticated whether the packet passed SRTP/SRTCP authentication.
     * @return {@link #ACCEPTED}, {@link #FOREIGN} or {@link #TAKEOVER_REFUSED} (both: drop it).
     */
    public int onReceive(final InetSocketAddress source, final int bytes, final long nowNs, final int ssrc,
        final int seq, final boolean authenticated) {
        boolean fromLearned = committed && source.equals(learned);
        if (!fromLearned) {
            final int verdict = onLearnSlowPath(source, nowNs, ssrc, seq, authenticated);
            if (verdict != ACCEPTED) {
                return verdict;
            }
            fromLearned = source.equals(learned);
        }
        if (fromLearned) {
            lastSsrc = ssrc;
            lastSeq = seq;
        }
        final long packets = packetsIn;
        if (packets == 0) {
            FIRST_PACKET_NS.setRelease(this, nowNs);
        }
        LAST_PACKET_NS.setRelease(this, nowNs);
        BYTES_IN.setRelease(this, bytesIn + bytes);
        PACKETS_IN.setRelease(this, packets + 1);
        return ACCEPTED;
    }

    private int onLearnSlowPath(final InetSocketAddress source, final long nowNs, final int ssrc, final int seq,
        final boolean authenticated) {
        if (mode == LatchMode.ASYMMETRIC) {
            return ACCEPTED;
        }
        if (!committed) {
            switch (learning) {
                case OFF -> committed = true;
                case IMMEDIATE -> {
                    committed = true;
                    if (learned == null) {
                        learn(source);
                        return ACCEPTED;
                    }
                }
                default -> {
                    final boolean ranksAsWell = learned == null || rank(source) <= learnedRank;
                    if (nowNs - windowEndNs >= 0) {
                        committed = true;
                    }
                    if (ranksAsWell) {
                        learn(source);
                        return ACCEPTED;
                    }
                    if (!committed) {
                        // in the window rtpengine forwards every source, strict-source or not
                        refuseTakeover();
                        return ACCEPTED;
                    }
                }
            }
        }
        return onForeignSlowPath(source, ssrc, seq, authenticated);
    }

    /** A committed stream, a packet whose source is not the learned endpoint (or, learning off, the SDP one). */
    private int onForeignSlowPath(final InetSocketAddress source, final int ssrc, final int seq,
        final boolean authenticated) {
        final InetSocketAddress anchor = learned != null ? learned : expected;
        if (anchor == null || anchor.equals(source)) {
            return ACCEPTED;
        }
        switch (mode) {
            case STRICT_SOURCE -> {
                return FOREIGN;
            }
            case HANDOVER -> {
                if (learning == EndpointLearning.HEURISTIC && learned != null && rank(source) > learnedRank) {
                    refuseTakeover();
                    return ACCEPTED;
                }
                relatch(source);
                return ACCEPTED;
            }
            case SSRC_HANDOVER -> {
                if (authenticated || continuesStream(ssrc, seq)) {
                    relatch(source);
                    return ACCEPTED;
                }
                refuseTakeover();
                return TAKEOVER_REFUSED;
            }
            default -> {
                refuseTakeover();
                return ACCEPTED;
            }
        }
    }

    private boolean continuesStream(final int ssrc, final int seq) {
        if (learned == null || ssrc != lastSsrc) {
            return false;
        }
        if (seq < 0 || lastSeq < 0) {
            return seq < 0 && lastSeq < 0;
        }
        final int ahead = (seq - lastSeq) & 0xFFFF;
        return ahead >= 1 && ahead <= SEQ_WINDOW;
    }

    private void learn(final InetSocketAddress source) {
        learnedRank = rank(source);
        LEARNED.setRelease(this, source);
        publishEndpoint();
    }

    private void relatch(final InetSocketAddress source) {
        RELATCHES.setRelease(this, relatches + 1);
        learn(source);
    }

    private void refuseTakeover() {
        TAKEOVERS_REFUSED.setRelease(this, takeoversRefused + 1);
    }

    /** @return how well a source matches the SDP endpoint: 0 address and port, 1 address, 2 port, 3 neither. */
    private int rank(final InetSocketAddress source) {
        final InetSocketAddress sdp = expected;
        if (sdp == null) {
            return 3;
        }
        final boolean address = sdp.getAddress().equals(source.getAddress());
        final boolean port = sdp.getPort() == source.getPort();
        return address ? (port ? 0 : 1) : (port ? 2 : 3);
    }

    /** Counts a packet received on this stream and dropped, for any reason; the loop only. */
    public void onDropped() {
        ERRORS_IN.setRelease(this, errorsIn + 1);
    }

    /**
     * Counts a packet handed to this stream's socket for sending; the loop only.
     *
     * @param bytes the packet's length.
     */
    public void onSent(final int bytes) {
        BYTES_OUT.setRelease(this, bytesOut + bytes);
        PACKETS_OUT.setRelease(this, packetsOut + 1);
    }

    /** Counts a packet this stream's socket failed to send after accepting it; the loop only. */
    public void onSendFailed() {
        ERRORS_OUT.setRelease(this, errorsOut + 1);
    }

    /** @return the stream received packets are forwarded out of, or null when none is set; the loop only. */
    public Stream peer() {
        return peer;
    }

    /**
     * @param source a received packet's source.
     * @return false when the packet must be dropped as foreign: the stream is {@code STRICT_SOURCE} and latched to
     *     another source. Changes nothing, so it can run before a packet is authenticated; the loop only.
     */
    public boolean acceptsSource(final InetSocketAddress source) {
        final InetSocketAddress current = learned;
        final InetSocketAddress anchor = current != null ? current : expected;
        return mode != LatchMode.STRICT_SOURCE || !committed || anchor == null || anchor.equals(source);
    }

    /** @return the context that unprotects SRTP/SRTCP received from the party, or null for plain; the loop only. */
    public SrtpContext srtpIngress() {
        return srtpIngress;
    }

    /** @return the context that protects what this socket sends to the party, or null for plain; the loop only. */
    public SrtpContext srtpEgress() {
        return srtpEgress;
    }

    /** @return the tap that records what this stream forwards, or null when the call is not recorded; the loop only. */
    public RecordingTap recording() {
        return recording;
    }

    /** @return whether packets received on this stream are dropped; the loop only. */
    public boolean isBlocked() {
        return blocked;
    }

    /**
     * @return what control asked to be done to the RTP received on this stream (block, silence, block DTMF);
     *     {@link MediaControl#NONE} by default; the loop only.
     */
    public MediaControl mediaControl() {
        return mediaControl;
    }

    /** @return the socket this stream receives on and sends out of. */
    public Channel channel() {
        return channel;
    }

    /** @return the event loop that owns this stream. */
    public EventLoop loop() {
        return loop;
    }

    /** @return the local port of this stream's socket. */
    public int localPort() {
        return localPort;
    }

    /** @return whether this is the RTCP stream of its pair. */
    public boolean isRtcp() {
        return rtcp;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Control tasks, posted by StreamProxy; they run on the loop.

    void onBind(final InetSocketAddress expectedEndpoint, final LatchMode latchMode, final Stream egress) {
        onConfigure(expectedEndpoint, latchMode);
        onPeer(egress);
    }

    /**
     * A new SDP endpoint or latch mode. A changed, known SDP endpoint or a changed mode forgets the learned endpoint
     * (the endpoint has moved by signalling, e.g. a re-INVITE to another media server, and must be learned anew);
     * the same endpoint again, or none (hold), keeps it; so does resuming at the address known before the hold.
     */
    void onConfigure(final InetSocketAddress expectedEndpoint, final LatchMode latchMode) {
        final InetSocketAddress known = known(expectedEndpoint);
        final boolean moved = known != null && !known.equals(lastKnownExpected);
        if (moved || latchMode != mode) {
            LEARNED.setRelease(this, (InetSocketAddress)null);
            learnedRank = RANK_NONE;
            committed = false;
        }
        expected = known;
        if (known != null) {
            lastKnownExpected = known;
        }
        if (learned != null) {
            learnedRank = rank(learned);
        }
        mode = latchMode;
        publishEndpoint();
    }

    /**
     * A signal of the call (offer, answer): the stream is no longer committed and learns again for
     * {@link #LEARNING_WINDOW_NS}, as rtpengine re-learns after every signal; what it learned stays its endpoint
     * until a source that ranks as well replaces it.
     */
    void onSignal(final EndpointLearning algorithm, final long signalNs) {
        learning = algorithm;
        windowEndNs = signalNs + LEARNING_WINDOW_NS;
        committed = false;
        if (learned != null) {
            learnedRank = rank(learned);
        }
    }

    void onPeer(final Stream egress) {
        peer = egress;
    }

    void onBlock(final boolean block) {
        blocked = block;
    }

    void onRecord(final RecordingTap tap) {
        recording = tap;
    }

    void onMediaControl(final MediaControl control) {
        mediaControl = control;
    }

    void onDtls(final DtlsTransport transport) {
        dtls = transport;
    }

    /** @return where DTLS records received on this stream's socket go, or null when it negotiated no DTLS. */
    public DtlsTransport dtls() {
        return dtls;
    }

    void onCrypto(final SrtpContext unprotectIngress, final SrtpContext protectEgress) {
        srtpIngress = unprotectIngress;
        srtpEgress = protectEgress;
    }

    private void publishEndpoint() {
        final InetSocketAddress next = mode != LatchMode.ASYMMETRIC && learned != null ? learned : expected;
        ENDPOINT.setRelease(this, next);
    }

    /**
     * @param address an SDP endpoint.
     * @return the address, or null when it says "unknown": null, the wildcard address (0.0.0.0, ::) or port 0.
     *     Any thread (the control plane reads SDP endpoints with the same rule).
     */
    public static InetSocketAddress known(final InetSocketAddress address) {
        if (address == null || address.getPort() == 0 || address.getAddress() == null
            || address.getAddress().isAnyLocalAddress()) {
            return null;
        }
        return address;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Readers: any thread.

    /**
     * @return where packets that leave through this stream's socket are sent: the learned endpoint, else the SDP
     *     one; null when neither is known. Any thread.
     */
    public InetSocketAddress endpoint() {
        return (InetSocketAddress)ENDPOINT.getAcquire(this);
    }

    /** @return the endpoint learned from received packets, or null before the first (or in asymmetric mode). */
    public InetSocketAddress learnedEndpoint() {
        return (InetSocketAddress)LEARNED.getAcquire(this);
    }

    /** @return packets received on this socket and accepted from their source (including those then dropped). */
    public long packetsIn() {
        return (long)PACKETS_IN.getAcquire(this);
    }

    /** @return bytes of {@link #packetsIn()}. */
    public long bytesIn() {
        return (long)BYTES_IN.getAcquire(this);
    }

    /** @return packets received on this socket and dropped, for any reason (foreign source, blocked, no peer…). */
    public long errorsIn() {
        return (long)ERRORS_IN.getAcquire(this);
    }

    /** @return packets handed to this socket for sending to {@link #endpoint()}. */
    public long packetsOut() {
        return (long)PACKETS_OUT.getAcquire(this);
    }

    /** @return bytes of {@link #packetsOut()}. */
    public long bytesOut() {
        return (long)BYTES_OUT.getAcquire(this);
    }

    /** @return packets this socket accepted for sending and then failed to send. */
    public long errorsOut() {
        return (long)ERRORS_OUT.getAcquire(this);
    }

    /** @return how many times the learned endpoint moved to a new source after the first latch. */
    public long relatches() {
        return (long)RELATCHES.getAcquire(this);
    }

    /**
     * @return packets from a new source that the stream did not let move its endpoint (forwarded or dropped, by
     *     its mode): each one a refused takeover.
     */
    public long takeoversRefused() {
        return (long)TAKEOVERS_REFUSED.getAcquire(this);
    }

    /** @return whether any packet has been accepted on this stream. */
    public boolean hasReceived() {
        return packetsIn() != 0;
    }

    /** @return {@link System#nanoTime()} of the first accepted packet; meaningless until {@link #hasReceived()}. */
    public long firstPacketNs() {
        return (long)FIRST_PACKET_NS.getAcquire(this);
    }

    /** @return {@link System#nanoTime()} of the last accepted packet; meaningless until {@link #hasReceived()}. */
    public long lastPacketNs() {
        return (long)LAST_PACKET_NS.getAcquire(this);
    }

    @Override
    public String toString() {
        return "Stream[" + (rtcp ? "rtcp " : "rtp ") + localPort + " -> " + endpoint() + "]";
    }
}
