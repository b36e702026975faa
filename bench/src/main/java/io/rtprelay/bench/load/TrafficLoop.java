package io.rtprelay.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The media of the calls one generator event loop owns: it paces their RTP out of its endpoint sockets and checks
 * every packet that comes back in.
 *
 * <p>Calls are spread over loops ({@code call % loops}); call {@code c} is local call {@code j = c / loops}, its side
 * A on endpoint socket {@code 2j % S} and side B on {@code (2j + 1) % S}, so both directions of a call, and every
 * counter of it, belong to this loop's thread alone. Stream {@code 2j} goes A to B, stream {@code 2j + 1} B to A.
 *
 * <p>Sending: every tick, the packets that fell due since the last tick, in a fixed rotation over the streams (so
 * each stream is paced at the configured rate and the streams' phases are spread evenly), flushed every
 * {@code sendBatch} packets (Netty's epoll transport writes a flushed batch with one {@code sendmmsg}). If the
 * loop falls behind by more than {@value #MAX_BACKLOG_MS} ms of packets, the excess is skipped (counted, never
 * sent, so not counted as loss).
 *
 * <p>Packet (RFC 3550 §5.1 header, then the payload):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|   PT = 0    |       sequence number         |
 * |                timestamp (8 kHz, payload-size steps)          |
 * |                SSRC = run base + global stream number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  magic "RLG1"  | global stream number | 64-bit sequence | 64-bit send time (System.nanoTime) | zeros ...
 * </pre>
 * Receiving: SSRC and magic identify the stream (anything else is counted as foreign); the packet must arrive on
 * that stream's receiving socket (else misrouted) from the relay port advertised for it (else wrong source, still
 * delivered); a 64-packet window over the 64-bit sequence tells new packets, reordered ones and duplicates apart.
 * Loss, reordering and latency count the packets sent inside the measured window (by their send time).
 *
 * <p>Threading: everything here runs on {@link #loop()} except the constructor and {@link #setStream}, which the
 * control thread calls before traffic starts (the start task's submission orders them before the loop reads).
 */
final class TrafficLoop {
    /** "RLG1". */
    static final int MAGIC = 0x524C_4731;
    static final int RTP_HEADER = 12;
    private static final int MAX_BACKLOG_MS = 100;

    private final int index;
    private final int loops;
    private final int totalStreams;
    private final LoadConfig config;
    private final EventLoop loop;
    private final ByteBufAllocator alloc;
    private final int ssrcBase;
    private final DatagramChannel[] sockets;
    private final boolean[] dirty;
    private final int[] dirtyList;
    private int dirtyCount;

    // Per local stream.
    private final InetSocketAddress[] destination;
    private final int[] sendSocket;
    private final int[] receiveSocket;
    private final int[] sourcePort;
    private final long[] sent;
    private final long[] sentWindow;
    private final long[] receivedWindow;
    private final long[] highest;
    private final long[] seen;

    // Pacing, set by the start task.
    private int[] order = new int[0];
    private double packetsPerNs;
    private long startNs;
    private long windowStartNs = Long.MAX_VALUE;
    private long windowEndNs = Long.MAX_VALUE;
    private long next;
    private long maxBacklog;
    private ScheduledFuture<?> ticker;
    private long threadId = -1;

    // Counters, this loop only.
    private final LatencyRecorder latency = new LatencyRecorder();
    private long received;
    private long arrivalsInWindow;
    private long reordered;
    private long late;
    private long duplicates;
    private long foreign;
    private long misrouted;
    private long wrongSource;
    private long skipped;
    private long sendErrors;
    private long maxLagNs;
    private long ticks;

    TrafficLoop(final int index, final int loops, final LoadConfig config, final EventLoop loop,
                final DatagramChannel[] sockets, final int ssrcBase) {
        this.index = index;
        this.loops = loops;
        this.totalStreams = config.streams();
        this.config = config;
        this.loop = loop;
        this.alloc = sockets[0].alloc();
        this.ssrcBase = ssrcBase;
        this.sockets = sockets;
        this.dirty = new boolean[sockets.length];
        this.dirtyList = new int[sockets.length];
        final int localCalls = (config.calls() - index + loops - 1) / loops;
        final int streams = localCalls * 2;
        this.destination = new InetSocketAddress[streams];
        this.sendSocket = new int[streams];
        this.receiveSocket = new int[streams];
        this.sourcePort = new int[streams];
        this.sent = new long[streams];
        this.sentWindow = new long[streams];
        this.receivedWindow = new long[streams];
        this.highest = new long[streams];
        this.seen = new long[streams];
        Arrays.fill(highest, -1);
        for (int j = 0; j < localCalls; j++) {
            sendSocket[2 * j] = (2 * j) % sockets.length;
            receiveSocket[2 * j] = (2 * j + 1) % sockets.length;
            sendSocket[2 * j + 1] = receiveSocket[2 * j];
            receiveSocket[2 * j + 1] = sendSocket[2 * j];
        }
    }

    EventLoop loop() {
        return loop;
    }

    /** @return calls owned by this loop. */
    int localCalls() {
        return destination.length / 2;
    }

    /**
     * @param localCall the local call index.
     * @return the endpoint socket of side A (false) or B (true) of that call.
     */
    DatagramChannel endpoint(final int localCall, final boolean sideB) {
        return sockets[sendSocket[2 * localCall + (sideB ? 1 : 0)]];
    }

    /**
     * Activates one stream; control thread, before {@link #start}.
     *
     * @param localStream the local stream index ({@code 2j} A to B, {@code 2j + 1} B to A).
     * @param to          where its packets are sent (the relay port advertised to the sender).
     * @param fromPort    the port they should arrive from (the relay port advertised to the receiver).
     */
    void setStream(final int localStream, final InetSocketAddress to, final int fromPort) {
        destination[localStream] = to;
        sourcePort[localStream] = fromPort;
    }

    /**
     * Starts pacing; runs on the loop.
     *
     * @param start       when the first packet is due.
     * @param windowStart when the measured window opens.
     * @param windowEnd   when it closes, and sending stops.
     */
    void start(final long start, final long windowStart, final long windowEnd) {
        threadId = Thread.currentThread().threadId();
        int active = 0;
        final int[] list = new int[destination.length];
        for (int s = 0; s < destination.length; s++) {
            if (destination[s] != null) {
                list[active++] = s;
            }
        }
        order = Arrays.copyOf(list, active);
        packetsPerNs = (double)active * config.ratePps() / 1e9;
        maxBacklog = Math.max(config.sendBatch(), (long)(packetsPerNs * MAX_BACKLOG_MS * 1e6));
        startNs = start;
        windowStartNs = windowStart;
        windowEndNs = windowEnd;
        next = 0;
        if (active > 0) {
            final long delayNs = Math.max(0, start - System.nanoTime());
            ticker = loop.scheduleAtFixedRate(this::tick, delayNs, config.tickUs() * 1_000L, TimeUnit.NANOSECONDS);
        }
    }

    private void tick() {
        final long now = System.nanoTime();
        ticks++;
        if (now - windowEndNs >= 0) {
            ticker.cancel(false);
            return;
        }
        final long due = (long)((now - startNs) * packetsPerNs);
        long backlog = due - next;
        if (backlog <= 0) {
            return;
        }
        if (now - windowStartNs >= 0) {
            final long lagNs = (long)(backlog / packetsPerNs);
            if (lagNs > maxLagNs) {
                maxLagNs = lagNs;
            }
        }
        if (backlog > maxBacklog) {
            if (now - windowStartNs >= 0) {
                skipped += backlog - maxBacklog;
            }
            next = due - maxBacklog;
            backlog = maxBacklog;
        }
        final int n = order.length;
        int inBatch = 0;
        int s = (int)(next % n);
        for (long k = next; k < due; k++) {
            send(order[s]);
            if (++s == n) {
                s = 0;
            }
            if (++inBatch == config.sendBatch()) {
                flushDirty();
                inBatch = 0;
            }
        }
        next = due;
        flushDirty();
    }

    private void send(final int s) {
        final int payload = config.payloadBytes();
        final ByteBuf buf = alloc.directBuffer(RTP_HEADER + payload);
        final long seq = sent[s];
        final int global = globalStream(s);
        buf.writeByte(0x80);
        buf.writeByte(0);
        buf.writeShort((int)seq);
        buf.writeInt((int)(seq * (8_000 / config.ratePps())));
        buf.writeInt(ssrcBase + global);
        buf.writeInt(MAGIC);
        buf.writeInt(global);
        buf.writeLong(seq);
        final long nowNs = System.nanoTime();
        buf.writeLong(nowNs);
        buf.writeZero(payload - LoadConfig.MIN_PAYLOAD);
        final int socket = sendSocket[s];
        final DatagramChannel channel = sockets[socket];
        channel.write(new DatagramPacket(buf, destination[s]), channel.voidPromise());
        if (!dirty[socket]) {
            dirty[socket] = true;
            dirtyList[dirtyCount++] = socket;
        }
        sent[s] = seq + 1;
        if (nowNs - windowStartNs >= 0 && nowNs - windowEndNs < 0) {
            sentWindow[s]++;
        }
    }

    private void flushDirty() {
        for (int i = 0; i < dirtyCount; i++) {
            final int socket = dirtyList[i];
            dirty[socket] = false;
            sockets[socket].flush();
        }
        dirtyCount = 0;
    }

    private int globalStream(final int localStream) {
        final int call = (localStream >>> 1) * loops + index;
        return (call << 1) | (localStream & 1);
    }

    /** One datagram read on endpoint socket {@code socket}; releases it. */
    void onReceive(final int socket, final DatagramPacket packet) {
        final long now = System.nanoTime();
        try {
            final ByteBuf b = packet.content();
            if (b.readableBytes() < RTP_HEADER + LoadConfig.MIN_PAYLOAD) {
                foreign++;
                return;
            }
            final int r = b.readerIndex();
            final int global = b.getInt(r + 8) - ssrcBase;
            if (b.getInt(r + RTP_HEADER) != MAGIC || global < 0 || global >= totalStreams
                || b.getInt(r + RTP_HEADER + 4) != global) {
                foreign++;
                return;
            }
            final int call = global >>> 1;
            final int s = ((call / loops) << 1) | (global & 1);
            if (call % loops != index || receiveSocket[s] != socket || destination[s] == null) {
                misrouted++;
                return;
            }
            received++;
            if (now - windowStartNs >= 0 && now - windowEndNs < 0) {
                arrivalsInWindow++;
            }
            if (packet.sender().getPort() != sourcePort[s]) {
                wrongSource++;
            }
            final long seq = b.getLong(r + RTP_HEADER + 8);
            final long sendNs = b.getLong(r + RTP_HEADER + 16);
            final boolean inWindow = sendNs - windowStartNs >= 0 && sendNs - windowEndNs < 0;
            onSequence(s, seq, inWindow);
            if (inWindow) {
                latency.record(now - sendNs);
            }
        } finally {
            ReferenceCountUtil.release(packet);
        }
    }

    private void onSequence(final int s, final long seq, final boolean inWindow) {
        final long top = highest[s];
        if (seq > top) {
            final long shift = seq - top;
            seen[s] = shift >= 64 ? 1 : (seen[s] << shift) | 1;
            highest[s] = seq;
        } else {
            final long back = top - seq;
            if (back >= 64) {
                late++;
            } else {
                final long bit = 1L << back;
                if ((seen[s] & bit) != 0) {
                    duplicates++;
                    return;
                }
                seen[s] |= bit;
            }
            if (inWindow) {
                reordered++;
            }
        }
        if (inWindow) {
            receivedWindow[s]++;
        }
    }

    /** A send on one of this loop's sockets failed (Netty reports void-promise failures as exceptions). */
    void onSendError() {
        sendErrors++;
    }

    /** @return this loop's thread id, once started (for its CPU time). */
    long threadId() {
        return threadId;
    }

    /** @return packets sent in the window and not (yet) received; on the loop. */
    long outstanding() {
        long out = 0;
        for (int s = 0; s < sent.length; s++) {
            out += sentWindow[s] - receivedWindow[s];
        }
        return out;
    }

    /** @return this loop's figures; on the loop. */
    LoopResult result() {
        long sentTotal = 0;
        long sentInWindow = 0;
        long deliveredInWindow = 0;
        int lossyStreams = 0;
        for (int s = 0; s < sent.length; s++) {
            sentTotal += sent[s];
            sentInWindow += sentWindow[s];
            deliveredInWindow += receivedWindow[s];
            if (receivedWindow[s] < sentWindow[s]) {
                lossyStreams++;
            }
        }
        return new LoopResult(sentTotal, received, sentInWindow, deliveredInWindow, arrivalsInWindow, reordered,
            late, duplicates, foreign, misrouted, wrongSource, skipped, sendErrors, maxLagNs, lossyStreams, ticks,
            latency.copy());
    }

    /** Stops pacing; on the loop. */
    void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        flushDirty();
    }

    /** The only handler of an endpoint socket: hands datagrams to the loop. */
    static final class EndpointHandler extends ChannelInboundHandlerAdapter {
        private final int socket;
        private volatile TrafficLoop owner;

        EndpointHandler(final int socket) {
            this.socket = socket;
        }

        void owner(final TrafficLoop loop) {
            this.owner = loop;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            final TrafficLoop loop = owner;
            if (msg instanceof DatagramPacket packet && loop != null) {
                loop.onReceive(socket, packet);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            final TrafficLoop loop = owner;
            if (loop != null) {
                loop.onSendError();
            }
        }
    }
}
