package io.rtprelay.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator: sets up N calls on an ng-controlled relay (ours or rtpengine) with offer/answer, sends RTP
 * from both endpoints of every call at a fixed rate, checks every packet that comes back (loss, reordering,
 * duplicates, one-way latency) and measures the relay process's CPU time per forwarded packet and its RSS from
 * /proc. Deletes every call at the end.
 *
 * <p>It must not be the bottleneck: Netty epoll event loops (one by default) with batched syscalls -- received with
 * {@code recvmmsg} (64 datagrams per call, through {@link EpollChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE}), sent with
 * {@code sendmmsg} (Netty writes each flushed batch of {@code --send-batch} packets with one call) -- and few
 * sockets: the calls' endpoints share {@code --sockets} sockets per loop (the relay still sees one source and one
 * destination per port, as with real phones; the SSRC tells the calls apart here). It measures its own CPU and says
 * when it saturates (a loop thread above {@value #SATURATION} of a core, or behind its schedule).
 *
 * <p>{@link #main(String[])} is the command line ({@code scripts/loadgen.sh}, usage in {@link LoadConfig#usage()});
 * {@link #run(LoadConfig)} is the same run for a test. Threads: the caller's (ng, sampling, waiting) and the event
 * loops (all media); every loop touches only its own {@link TrafficLoop}. Traffic goes to loopback only.
 */
public final class LoadGenerator {
    /** A generator loop thread busier than this share of a core makes the run's figures doubtful. */
    public static final double SATURATION = 0.9;
    /** Falling further behind the schedule than this makes the run's figures doubtful. */
    public static final double MAX_LAG_MS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    private static final int DATAGRAM_BYTES = 2_048;
    private static final int DATAGRAMS_PER_READ = 64;
    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
    /**
     * Linux SO_RCVBUFFORCE / SO_SNDBUFFORCE (socket(7), SOL_SOCKET 1, options 33 and 32): buffers beyond
     * net.core.rmem_max for a privileged generator, so that a generator thread the scheduler holds off for a few
     * tens of milliseconds (a shared machine) delivers late instead of dropping.
     */
    private static final IntegerUnixChannelOption SO_RCVBUFFORCE = new IntegerUnixChannelOption("SO_RCVBUFFORCE",
        1, 33);
    private static final IntegerUnixChannelOption SO_SNDBUFFORCE = new IntegerUnixChannelOption("SO_SNDBUFFORCE",
        1, 32);
    private static final int FORCED_BUFFER_BYTES = 32 * 1024 * 1024;
    /** A relay that fails this many ng requests in a row (each up to 3 x 2 s) is given up on. */
    private static final int MAX_CONSECUTIVE_FAILURES = 5;

    private final LoadConfig config;
    private final List<String> warnings = new ArrayList<>();
    private MultiThreadIoEventLoopGroup group;
    private final List<TrafficLoop> loops = new ArrayList<>();
    private final List<String> createdCallIds = new ArrayList<>();
    private int established;
    private final BitSet generatorPorts = new BitSet(65_536);
    private final BitSet relayPorts = new BitSet(65_536);
    private int setupFailures;
    private boolean bufferWarned;

    private LoadGenerator(final LoadConfig config) {
        this.config = config;
    }

    /**
     * Runs one load run to its end (setup, warm-up, window, drain, delete) and reports it.
     *
     * @param config what to run.
     * @return the report.
     * @throws IllegalStateException when epoll is unavailable or no call could be set up.
     * @throws InterruptedException  when interrupted while waiting.
     */
    public static LoadReport run(final LoadConfig config) throws InterruptedException {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("the load generator needs Netty's epoll transport: "
                + Epoll.unavailabilityCause());
        }
        final LoadGenerator generator = new LoadGenerator(config);
        try {
            return generator.execute();
        } finally {
            generator.close();
        }
    }

    private LoadReport execute() throws InterruptedException {
        openSockets();
        final long setupStart = System.nanoTime();
        setUpCalls();
        final double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        if (config.direct()) {
            established = config.calls();
        }
        LOG.info("{} of {} calls set up in {} s", established, config.calls(),
            String.format(Locale.ROOT, "%.1f", setupSeconds));
        if (established == 0) {
            throw new IllegalStateException("no call could be set up on " + config.ng());
        }
        final long start = System.nanoTime() + 20_000_000L;
        final long windowStart = start + config.warmupMs() * 1_000_000L;
        final long windowEnd = windowStart + config.durationMs() * 1_000_000L;
        final long[] threadIds = new long[loops.size()];
        for (int i = 0; i < loops.size(); i++) {
            final TrafficLoop loop = loops.get(i);
            threadIds[i] = await(loop.loop().submit(() -> {
                loop.start(start, windowStart, windowEnd);
                return loop.threadId();
            }));
        }
        final Measurement m = new Measurement(config.relayPid(), threadIds, generatorPorts, relayPorts);
        parkUntil(windowStart);
        m.begin();
        parkUntil(windowEnd);
        m.end();
        drain(windowEnd + config.drainMs() * 1_000_000L);
        final List<LoopResult> results = new ArrayList<>();
        for (final TrafficLoop loop : loops) {
            results.add(await(loop.loop().submit(() -> {
                loop.stop();
                return loop.result();
            })));
        }
        final int deleteFailures = deleteCalls();
        return report(results, m, setupSeconds, deleteFailures);
    }

    private void openSockets() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(config.threads(), new DefaultThreadFactory("loadgen", true),
            EpollIoHandler.newFactory());
        final int ssrcBase = ThreadLocalRandom.current().nextInt();
        int index = 0;
        for (final EventExecutor executor : group) {
            final EventLoop loop = (EventLoop)executor;
            final int count = config.effectiveSocketsPerLoop();
            final DatagramChannel[] sockets = new DatagramChannel[count];
            final TrafficLoop.EndpointHandler[] handlers = new TrafficLoop.EndpointHandler[count];
            for (int s = 0; s < count; s++) {
                handlers[s] = new TrafficLoop.EndpointHandler(s);
                sockets[s] = bind(loop, handlers[s]);
                generatorPorts.set(sockets[s].localAddress().getPort());
            }
            final TrafficLoop traffic = new TrafficLoop(index++, config.threads(), config, loop, sockets, ssrcBase);
            for (final TrafficLoop.EndpointHandler handler : handlers) {
                handler.owner(traffic);
            }
            loops.add(traffic);
        }
    }

    private DatagramChannel bind(final EventLoop loop, final TrafficLoop.EndpointHandler handler)
        throws InterruptedException {
        final Bootstrap bootstrap = new Bootstrap()
            .group(loop)
            .channelFactory(() -> new EpollDatagramChannel(config.address() instanceof java.net.Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET))
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
            .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
            .option(ChannelOption.RECVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(DATAGRAM_BYTES * DATAGRAMS_PER_READ))
            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, DATAGRAM_BYTES)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 22, 1 << 23))
            .handler(handler);
        final DatagramChannel channel =
            (DatagramChannel)bootstrap.bind(new InetSocketAddress(config.address(), 0)).sync().channel();
        try {
            channel.config().setOption(SO_RCVBUFFORCE, FORCED_BUFFER_BYTES);
            channel.config().setOption(SO_SNDBUFFORCE, FORCED_BUFFER_BYTES);
        } catch (final ChannelException e) {
            if (!bufferWarned) {
                bufferWarned = true;
                LOG.info("socket buffers stay at net.core.rmem_max/wmem_max (not privileged: {})", e.getMessage());
            }
        }
        return channel;
    }

    private void setUpCalls() {
        if (config.direct()) {
            for (int c = 0; c < config.calls(); c++) {
                final TrafficLoop loop = loops.get(c % loops.size());
                final int j = c / loops.size();
                final InetSocketAddress a = loop.endpoint(j, false).localAddress();
                final InetSocketAddress b = loop.endpoint(j, true).localAddress();
                loop.setStream(2 * j, b, a.getPort());
                loop.setStream(2 * j + 1, a, b.getPort());
            }
            return;
        }
        final long started = System.nanoTime();
        int consecutiveFailures = 0;
        try (NgControl ng = new NgControl(config.ng())) {
            for (int c = 0; c < config.calls(); c++) {
                if (config.setupRate() > 0) {
                    parkUntil(started + c * 1_000_000_000L / config.setupRate());
                }
                if (setUpCall(ng, c)) {
                    consecutiveFailures = 0;
                } else if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
                    warnings.add("setup stopped after " + consecutiveFailures + " failures in a row");
                    break;
                }
            }
        }
    }

    private boolean setUpCall(final NgControl ng, final int c) {
        final TrafficLoop loop = loops.get(c % loops.size());
        final int j = c / loops.size();
        final InetSocketAddress a = loop.endpoint(j, false).localAddress();
        final InetSocketAddress b = loop.endpoint(j, true).localAddress();
        final String callId = config.callIdPrefix() + "-" + c;
        final String fromTag = "a" + c;
        try {
            final Map<String, Object> offer = ng.offer(callId, fromTag, CallSdp.of(a.getAddress(), a.getPort(), c));
            if (!"ok".equals(offer.get("result"))) {
                return setupFailed(callId, "offer", offer);
            }
            createdCallIds.add(callId);
            final InetSocketAddress towardsB = CallSdp.audioEndpoint((String)offer.get("sdp"));
            final Map<String, Object> answer =
                ng.answer(callId, fromTag, "b" + c, CallSdp.of(b.getAddress(), b.getPort(), c));
            if (!"ok".equals(answer.get("result"))) {
                return setupFailed(callId, "answer", answer);
            }
            final InetSocketAddress towardsA = CallSdp.audioEndpoint((String)answer.get("sdp"));
            loop.setStream(2 * j, towardsA, towardsB.getPort());
            loop.setStream(2 * j + 1, towardsB, towardsA.getPort());
            relayPorts.set(towardsA.getPort());
            relayPorts.set(towardsB.getPort());
            established++;
            return true;
        } catch (final RuntimeException e) {
            setupFailures++;
            if (setupFailures <= 5) {
                LOG.warn("call {}: setup failed: {}", callId, e.toString());
            }
            return false;
        }
    }

    private boolean setupFailed(final String callId, final String command, final Map<String, Object> reply) {
        setupFailures++;
        if (setupFailures <= 5) {
            LOG.warn("call {}: {} answered {} {}", callId, command, reply.get("result"), reply.get("error-reason"));
        }
        return false;
    }

    private void drain(final long deadline) throws InterruptedException {
        for (int poll = 0; poll < 10_000 && System.nanoTime() - deadline < 0; poll++) {
            long outstanding = 0;
            for (final TrafficLoop loop : loops) {
                outstanding += await(loop.loop().submit(loop::outstanding));
            }
            if (outstanding == 0) {
                return;
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    private int deleteCalls() {
        if (config.direct() || createdCallIds.isEmpty()) {
            return 0;
        }
        int failures = 0;
        int consecutive = 0;
        try (NgControl ng = new NgControl(config.ng())) {
            for (int i = 0; i < createdCallIds.size(); i++) {
                final String callId = createdCallIds.get(i);
                final String fromTag = "a" + callId.substring(callId.lastIndexOf('-') + 1);
                boolean ok;
                try {
                    ok = "ok".equals(ng.delete(callId, fromTag).get("result"));
                } catch (final RuntimeException e) {
                    ok = false;
                }
                consecutive = ok ? 0 : consecutive + 1;
                failures += ok ? 0 : 1;
                if (consecutive >= MAX_CONSECUTIVE_FAILURES) {
                    warnings.add("deletes stopped after " + consecutive + " failures in a row");
                    return failures + createdCallIds.size() - i - 1;
                }
            }
        }
        return failures;
    }

    private LoadReport report(final List<LoopResult> results, final Measurement m, final double setupSeconds,
                              final int deleteFailures) {
        long sentInWindow = 0;
        long delivered = 0;
        long arrivals = 0;
        long reordered = 0;
        long duplicates = 0;
        long foreign = 0;
        long misrouted = 0;
        long wrongSource = 0;
        long skipped = 0;
        long sendErrors = 0;
        long maxLagNs = 0;
        int lossyStreams = 0;
        final LatencyRecorder latency = new LatencyRecorder();
        for (final LoopResult r : results) {
            sentInWindow += r.sentInWindow();
            delivered += r.deliveredInWindow();
            arrivals += r.arrivalsInWindow();
            reordered += r.reordered();
            duplicates += r.duplicates();
            foreign += r.foreign();
            misrouted += r.misrouted();
            wrongSource += r.wrongSource();
            skipped += r.skipped();
            sendErrors += r.sendErrors();
            maxLagNs = Math.max(maxLagNs, r.maxLagNs());
            lossyStreams += r.lossyStreams();
            latency.add(r.latency());
        }
        final double windowSeconds = config.durationMs() / 1e3;
        final double relayCores = m.relayCores();
        // What the relay forwarded in the window: what reached the generator's sockets, read or dropped there.
        final long forwarded = arrivals + Math.max(0, m.generatorDrops);
        final double relayUsPerPacket = forwarded == 0 || m.relayEnd == null ? 0
            : (m.relayEnd.cpuNs() - m.relayStart.cpuNs()) / 1e3 / forwarded;
        final double maxLoopLoad = m.maxLoopLoad();
        warn(maxLoopLoad > SATURATION, "generator saturated: its busiest loop used %.0f %% of a core; give it"
            + " --threads or fewer calls", maxLoopLoad * 100);
        warn(maxLagNs / 1e6 > MAX_LAG_MS, "generator fell %.1f ms behind its schedule", maxLagNs / 1e6);
        warn(skipped > 0, "generator skipped %d packets it could not send in time", skipped);
        warn(sendErrors > 0, "%d sends failed", sendErrors);
        warn(setupFailures > 0, "%d calls could not be set up", setupFailures);
        warn(misrouted > 0 || foreign > 0, "%d packets misrouted, %d foreign", misrouted, foreign);
        warn(latency.clipped() > 0, "%d latencies above 10 s clipped", latency.clipped());
        warn(deleteFailures > 0, "%d deletes failed", deleteFailures);
        warn(m.generatorDrops > 0, "the generator's sockets dropped %d datagrams (receive buffer full): the"
            + " generator, not the relay, lost them", m.generatorDrops);
        return new LoadReport(config.direct() ? "direct" : config.ng().getAddress().getHostAddress() + ":"
            + config.ng().getPort(), config.calls(), established, setupFailures, deleteFailures, setupSeconds,
            config.ratePps(), config.payloadBytes(), windowSeconds, sentInWindow, delivered, arrivals, reordered,
            duplicates, foreign, misrouted, wrongSource, skipped, sendErrors, lossyStreams,
            latency.percentileUs(50), latency.percentileUs(90), latency.percentileUs(99),
            latency.percentileUs(99.9), latency.maxUs(), config.relayPid(), relayCores, relayUsPerPacket,
            m.relayEnd == null ? -1 : m.relayEnd.rssKb(), m.relayEnd == null ? -1 : m.relayEnd.hwmKb(),
            m.selfEnd.coresSince(m.selfStart), maxLoopLoad, maxLagNs / 1e6, m.generatorDrops, m.relayDrops,
            warnings);
    }

    private void warn(final boolean condition, final String format, final Object... args) {
        if (condition) {
            final String warning = String.format(Locale.ROOT, format, args);
            warnings.add(warning);
            LOG.warn(warning);
        }
    }

    private void close() {
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static <T> T await(final io.netty.util.concurrent.Future<T> future) throws InterruptedException {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("generator loop task failed", e.getCause());
        } catch (final java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("generator loop did not answer within 10 s", e);
        }
    }

    private static void parkUntil(final long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** CPU samples of the relay, of this process and of the loop threads at both ends of the window. */
    private static final class Measurement {
        private final long relayPid;
        private final long[] threadIds;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final long[] threadCpuStart;
        private final long[] threadCpuEnd;
        private ProcessSample relayStart;
        private ProcessSample relayEnd;
        private ProcessSample selfStart;
        private ProcessSample selfEnd;
        private long wallStart;
        private long wallEnd;
        private final BitSet generatorPorts;
        private final BitSet relayPorts;
        private long generatorDrops;
        private long relayDrops;

        Measurement(final long relayPid, final long[] threadIds, final BitSet generatorPorts,
                    final BitSet relayPorts) {
            this.relayPid = relayPid;
            this.threadIds = threadIds;
            this.generatorPorts = generatorPorts;
            this.relayPorts = relayPorts;
            this.threadCpuStart = new long[threadIds.length];
            this.threadCpuEnd = new long[threadIds.length];
        }

        void begin() {
            generatorDrops = -UdpDrops.sum(generatorPorts);
            relayDrops = -UdpDrops.sum(relayPorts);
            wallStart = System.nanoTime();
            relayStart = relayPid > 0 ? ProcessSample.of(relayPid) : null;
            selfStart = ProcessSample.of(ProcessHandle.current().pid());
            for (int i = 0; i < threadIds.length; i++) {
                threadCpuStart[i] = threads.getThreadCpuTime(threadIds[i]);
            }
        }

        void end() {
            wallEnd = System.nanoTime();
            relayEnd = relayPid > 0 ? ProcessSample.of(relayPid) : null;
            selfEnd = ProcessSample.of(ProcessHandle.current().pid());
            for (int i = 0; i < threadIds.length; i++) {
                threadCpuEnd[i] = threads.getThreadCpuTime(threadIds[i]);
            }
            generatorDrops += UdpDrops.sum(generatorPorts);
            relayDrops += UdpDrops.sum(relayPorts);
        }

        double relayCores() {
            return relayEnd == null ? 0 : relayEnd.coresSince(relayStart);
        }

        double maxLoopLoad() {
            double max = 0;
            for (int i = 0; i < threadIds.length; i++) {
                max = Math.max(max, (double)(threadCpuEnd[i] - threadCpuStart[i]) / (wallEnd - wallStart));
            }
            return max;
        }
    }

    /**
     * The command line; see {@link LoadConfig#usage()}. Prints the report on standard output, progress and
     * warnings on standard error; exits 2 on a bad argument, 1 when the run failed.
     *
     * @param args the options.
     */
    public static void main(final String[] args) {
        final LoadConfig config;
        try {
            config = LoadConfig.parse(args);
        } catch (final IllegalArgumentException e) {
            System.err.println(e.getMessage().equals("help") ? LoadConfig.usage() : e.getMessage() + "\n"
                + LoadConfig.usage());
            System.exit(2);
            return;
        }
        try {
            final LoadReport report = run(config);
            System.out.print(report.toText());
            System.out.flush();
            System.exit(0);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        } catch (final RuntimeException e) {
            LOG.error("load run failed", e);
            System.exit(1);
        }
    }
}
