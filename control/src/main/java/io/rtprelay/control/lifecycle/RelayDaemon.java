package io.rtprelay.control.lifecycle;

import io.rtprelay.control.call.CallCommands;
import io.rtprelay.control.call.CallConductor;
import io.rtprelay.control.capacity.CapacitySampler;
import io.rtprelay.control.cli.CliCommandAdapter;
import io.rtprelay.control.cli.CliServer;
import io.rtprelay.control.cli.RelayRates;
import io.rtprelay.control.capacity.NatsAnnouncer;
import io.rtprelay.control.config.ClusterConfig;
import io.rtprelay.control.config.ConfigException;
import io.rtprelay.control.config.InterfaceSpec;
import io.rtprelay.control.config.RelayConfig;
import io.rtprelay.control.http.RelayHttpServer;
import io.rtprelay.control.http.RelayMetrics;
import io.rtprelay.control.ng.NgCommandAdapter;
import io.rtprelay.control.ng.NgServer;
import io.rtprelay.control.record.CallRecorder;
import io.rtprelay.kernel.KernelSupport;
import io.rtprelay.relay.MediaPlane;
import io.rtprelay.relay.MediaPlaneConfig;
import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The relay process: configuration, media plane, call conductor, ng server, the timeout sweeper, the drain and
 * (when {@code nats-servers} is set) the NATS announcer, started in that order and closed in the reverse one.
 * {@link #main(String[])} is the command line ({@code bin/rtprelay}): there SIGTERM and SIGINT start the drain,
 * and the process exits 0 once drained. {@link #start(RelayConfig)} runs the same daemon inside a test's JVM.
 */
public final class RelayDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayDaemon.class);

    private final MediaPlane media;
    private final CallRecorder recorder;
    private final CallConductor conductor;
    private final NgServer ngServer;
    private final NgCommandAdapter adapter;
    private final ScheduledExecutorService timers;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final DrainController drain;
    private NatsAnnouncer announcer;
    private RelayHttpServer httpServer;
    private CliServer cliServer;

    private RelayDaemon(final MediaPlane media, final CallRecorder recorder, final CallConductor conductor,
        final NgServer ngServer, final NgCommandAdapter adapter, final ScheduledExecutorService timers,
        final ClusterConfig cluster) {
        this.media = media;
        this.recorder = recorder;
        this.conductor = conductor;
        this.ngServer = ngServer;
        this.adapter = adapter;
        this.timers = timers;
        this.drain = new DrainController(conductor, cluster.drainTimeoutS() * 1000L, this::close);
    }

    /**
     * Starts a relay.
     *
     * @param config its configuration.
     * @return the running relay, its ng sockets bound.
     * @throws IOException when the ng sockets cannot be bound.
     */
    public static RelayDaemon start(final RelayConfig config) throws IOException {
        for (final String warning : config.warnings()) {
            LOG.warn(warning);
        }
        probeKernelPath(config);
        final MediaPlane media = new MediaPlane(new MediaPlaneConfig(
            config.transport(), config.numThreads(), config.portMin(), config.portMax(), config.tos()));
        final CallRecorder recorder;
        try {
            recorder = CallRecorder.start(config.recording());
        } catch (final IOException e) {
            media.close();
            throw new IOException("recording-dir '" + config.recording().dir() + "': " + e, e);
        }
        final CallConductor conductor = new CallConductor(config, media, recorder);
        final NgCommandAdapter adapter = new NgCommandAdapter();
        adapter.register("offer", conductor::offer);
        adapter.register("answer", conductor::answer);
        adapter.register("delete", conductor::delete);
        adapter.register("query", conductor::query);
        adapter.register("list", conductor::list);
        adapter.register("statistics", request -> conductor.statisticsReply());
        adapter.register("start recording", conductor::startRecording);
        adapter.register("stop recording", conductor::stopRecording);
        adapter.register("pause recording", conductor::stopRecording);
        CallCommands.registerMediaCommands(adapter, conductor);
        final NgServer ngServer = new NgServer(config.listenNg(), adapter);
        try {
            ngServer.start();
        } catch (final IOException | RuntimeException e) {
            media.close();
            recorder.close();
            throw e;
        }
        final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("timeouts").daemon().factory());
        timers.scheduleWithFixedDelay(() -> sweep(conductor), 1, 1, TimeUnit.SECONDS);
        final RelayDaemon daemon = new RelayDaemon(media, recorder, conductor, ngServer, adapter, timers,
            config.cluster());
        if (config.cluster().natsEnabled()) {
            daemon.startAnnouncer(config);
        }
        if (config.listenHttp() != null) {
            daemon.startHttp(config);
        }
        if (config.listenCli() != null) {
            daemon.startCli(config);
        }
        final StringBuilder ifaces = new StringBuilder();
        for (final InterfaceSpec spec : config.interfaces()) {
            ifaces.append(' ').append(spec.name()).append('/').append(spec.local().getHostAddress())
                .append('!').append(spec.advertisedText());
        }
        LOG.info("rtprelay ready: ng on {}, media on{} ports {}-{}, transport {}, {} event loops",
            ngServer.boundAddresses(), ifaces, config.portMin(), config.portMax(), media.transportName(),
            config.numThreads());
        return daemon;
    }

    private void startAnnouncer(final RelayConfig config) {
        final CapacitySampler sampler = new CapacitySampler(config.cluster().nodeId(), RelayVersion.current(),
            config.interfaces(), ngServer.boundAddresses(), conductor, media,
            () -> drain.state().wireName());
        announcer = new NatsAnnouncer(config.cluster(), sampler, drain::drain);
        drain.onStateChange(announcer::announceNow);
        announcer.start();
    }

    /** HTTP on {@code listen-http}: /ping, /metrics, /healthz, /readyz and POST /drain (the drain controller's). */
    private void startHttp(final RelayConfig config) throws IOException {
        final RelayMetrics metrics = new RelayMetrics(conductor, media, adapter, drain::draining);
        final RelayHttpServer http = new RelayHttpServer(config.listenHttp(), metrics, drain::draining, drain::drain);
        try {
            http.start();
        } catch (final IOException | RuntimeException e) {
            close();
            throw e;
        }
        httpServer = http;
    }

    /** rtpengine's CLI on {@code listen-cli}, for {@code rtpengine-ctl}. */
    private void startCli(final RelayConfig config) throws IOException {
        final RelayRates rates = new RelayRates(media.counters(), System.nanoTime());
        timers.scheduleAtFixedRate(() -> rates.sample(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
        final CliCommandAdapter cli = new CliCommandAdapter(conductor, config, adapter::requestCountsBySource,
            config.listenCli(), rates);
        final CliServer server = new CliServer(config.listenCli(), cli);
        try {
            server.start();
        } catch (final IOException | RuntimeException e) {
            close();
            throw e;
        }
        cliServer = server;
    }

    private static void sweep(final CallConductor conductor) {
        try {
            conductor.sweep(System.nanoTime());
        } catch (final RuntimeException e) {
            LOG.error("timeout sweep failed", e);
        }
    }

    /** @return where ng is answered. */
    public List<InetSocketAddress> ngAddresses() {
        return ngServer.boundAddresses();
    }

    /** @return where HTTP is served, null when {@code listen-http} is not configured. */
    public InetSocketAddress httpAddress() {
        return httpServer == null ? null : httpServer.boundAddress();
    }

    /** @return where the CLI is served, null when {@code listen-cli} is not configured. */
    public InetSocketAddress cliAddress() {
        return cliServer == null ? null : cliServer.boundAddress();
    }

    /** @return the call conductor. */
    public CallConductor conductor() {
        return conductor;
    }

    /** @return the ng command adapter, with its request and error counters. */
    public NgCommandAdapter ngAdapter() {
        return adapter;
    }

    /** @return the media plane. */
    public MediaPlane media() {
        return media;
    }

    /** @return the drain: {@code drain(source)} starts it, {@code draining()} answers readiness. */
    public DrainController drainController() {
        return drain;
    }

    /** @return the NATS announcer, or null when {@code nats-servers} is not set. */
    public NatsAnnouncer announcer() {
        return announcer;
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Stops everything at once, live calls included; a second caller waits for the first to finish. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            try {
                closed.await();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        if (cliServer != null) {
            cliServer.close();
        }
        if (httpServer != null) {
            httpServer.close();
        }
        if (announcer != null) {
            announcer.close();
        }
        drain.close();
        ngServer.close();
        timers.shutdownNow();
        conductor.destroyAll();
        media.close();
        recorder.close();
        closed.countDown();
        LOG.info("rtprelay stopped");
    }

    /**
     * The command line: rtpengine's options and config file.
     *
     * @param args the options.
     */
    public static void main(final String[] args) {
        final RelayConfig config;
        try {
            config = RelayConfig.parse(args);
        } catch (final ConfigException e) {
            LoggerFactory.getLogger(RelayDaemon.class).error("configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        LogFormat.of(config.logFormat()).install();
        applyLogLevel(config.logLevel());
        try {
            final RelayDaemon daemon = start(config);
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(daemon::close));
            daemon.drainController().handleSignals(daemon::close);
            daemon.awaitClose();
            System.exit(0);
        } catch (final IOException e) {
            LOG.error("cannot start: {}", e.getMessage());
            System.exit(1);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void applyLogLevel(final int syslogLevel) {
        final Level level = syslogLevel <= 3 ? Level.ERROR : syslogLevel == 4 ? Level.WARN
            : syslogLevel <= 6 ? Level.INFO : Level.DEBUG;
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(level);
        }
    }

    /**
     * {@code kernel=auto} logs once why the kernel path is unavailable, {@code kernel=on} does not start without it.
     * The relay does not put streams into it yet (docs/KERNEL.md, "What remains"): nothing is attached here.
     */
    private static void probeKernelPath(final RelayConfig config) throws IOException {
        if ("off".equals(config.kernel())) {
            return;
        }
        if (!KernelSupport.isAvailable()) {
            if ("on".equals(config.kernel())) {
                throw new IOException("kernel=on, and the kernel path is unavailable: "
                    + KernelSupport.unavailabilityCause());
            }
            LOG.info("kernel path unavailable, media is forwarded in userspace: {}",
                KernelSupport.unavailabilityCause());
            return;
        }
        LOG.info("kernel path available (table {}); streams are not yet put into it", config.kernelTable());
    }
}
