package io.rtprelay.control.capacity;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.service.Group;
import io.nats.service.Service;
import io.nats.service.ServiceBuilder;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;
import io.rtprelay.control.config.ClusterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Announces the relay's capacity on NATS and serves it as a NATS micro service.
 *
 * <p>Announcements: a {@link CapacityReport} as JSON on {@code <prefix>.capacity.<node-id>} every
 * {@code announce-interval} seconds, at once on every change of state ({@link #announceNow()}), at once after
 * each (re)connection, and a last one with state {@code stopped} on {@link #close()}. While NATS is unreachable
 * nothing is published or queued (a stale capacity is worse than none); announcements resume by themselves once
 * the client has reconnected.
 *
 * <p>Service: registered with jnats' service API as {@value #SERVICE_NAME}, so {@code $SRV.PING}, {@code $SRV.INFO}
 * and {@code $SRV.STATS} discover every relay; endpoints {@code <prefix>.control.<node-id>.capacity} (replies
 * with the report's JSON) and {@code <prefix>.control.<node-id>.drain} (starts the drain, replies with the report).
 *
 * <p>Threads: connection, reconnection and the connection's own I/O are jnats' threads; every publish runs on this
 * announcer's single {@code nats-announcer} thread; service requests run on jnats' dispatcher. Neither the media
 * event loops nor the ng control thread ever wait on NATS.
 */
public final class NatsAnnouncer implements AutoCloseable {
    /** The NATS service name every relay registers under. */
    public static final String SERVICE_NAME = "rtprelay";

    private static final Logger LOG = LoggerFactory.getLogger(NatsAnnouncer.class);
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(1);
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PING_INTERVAL = Duration.ofSeconds(10);
    private static final Duration CLOSE_FLUSH = Duration.ofMillis(500);
    private static final long CLOSE_WAIT_MS = 3_000;

    private final ClusterConfig config;
    private final CapacitySampler sampler;
    private final Predicate<String> drain;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("nats-announcer").daemon().factory());
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile Connection connection;
    private volatile boolean closed;
    private Service service;

    /**
     * @param config  servers, subjects, interval.
     * @param sampler where reports come from.
     * @param drain   starts the drain, given who asked; answers whether this request started it.
     */
    public NatsAnnouncer(final ClusterConfig config, final CapacitySampler sampler, final Predicate<String> drain) {
        this.config = config;
        this.sampler = sampler;
        this.drain = drain;
    }

    /**
     * Starts connecting (in the background: a NATS server that is down does not hold up the relay) and the
     * periodic announcements.
     */
    public void start() {
        final Options options = Options.builder()
            .servers(config.natsServers().toArray(String[]::new))
            .connectionName(SERVICE_NAME + "-" + config.nodeId())
            .maxReconnects(-1)
            .reconnectWait(RECONNECT_WAIT)
            .connectionTimeout(CONNECTION_TIMEOUT)
            .pingInterval(PING_INTERVAL)
            .connectionListener(this::onConnectionEvent)
            .errorListener(new LoggingErrorListener())
            .build();
        try {
            Nats.connectAsynchronously(options, true);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        final long intervalMs = config.announceIntervalS() * 1000L;
        executor.scheduleAtFixedRate(() -> publish(null), intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        LOG.info("NATS: connecting to {}; capacity on {} every {} s", config.natsServers(), config.capacitySubject(),
            config.announceIntervalS());
    }

    /** Publishes a fresh report at once (a change of state); returns without waiting for it. */
    public void announceNow() {
        submit(() -> publish(null));
    }

    /** @return announcements published so far. */
    public long published() {
        return published.get();
    }

    /** @return announcements not published because NATS was not connected. */
    public long skipped() {
        return skipped.get();
    }

    /** @return whether the client is connected right now. */
    public boolean connected() {
        final Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    private void onConnectionEvent(final Connection conn, final ConnectionListener.Events event) {
        if (conn != null) {
            connection = conn;
        }
        switch (event) {
            case CONNECTED, RECONNECTED -> {
                down.set(false);
                LOG.info("NATS: {} to {}", event == ConnectionListener.Events.CONNECTED ? "connected" : "reconnected",
                    conn == null ? "?" : conn.getConnectedUrl());
                submit(this::onConnected);
            }
            case DISCONNECTED -> {
                if (down.compareAndSet(false, true)) {
                    LOG.warn("NATS: disconnected; reconnecting every {} ms, announcements paused",
                        RECONNECT_WAIT.toMillis());
                }
            }
            case CLOSED -> LOG.info("NATS: connection closed");
            default -> LOG.debug("NATS: {}", event);
        }
    }

    /** On the announcer thread: the first connection registers the service; every (re)connection announces. */
    private void onConnected() {
        final Connection c = connection;
        if (c == null) {
            return;
        }
        if (closed) {
            closeQuietly(c);
            return;
        }
        if (service == null) {
            service = buildService(c);
            service.startService();
            LOG.info("NATS: service {} {} id {} serving {}.{capacity,drain}", SERVICE_NAME, sampler.version(),
                service.getId(), config.controlSubject());
        }
        publish(null);
    }

    private Service buildService(final Connection c) {
        final Group group = new Group(config.controlSubject());
        final Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("node_id", config.nodeId());
        metadata.put("capacity_subject", config.capacitySubject());
        final ServiceEndpoint capacity = ServiceEndpoint.builder()
            .group(group)
            .endpointName("capacity")
            .handler(message -> respond(c, message, false))
            .build();
        final ServiceEndpoint drainEndpoint = ServiceEndpoint.builder()
            .group(group)
            .endpointName("drain")
            .handler(message -> respond(c, message, true))
            .build();
        return new ServiceBuilder()
            .connection(c)
            .name(SERVICE_NAME)
            .description("rtprelay media relay " + config.nodeId())
            .version(sampler.version())
            .metadata(metadata)
            .addServiceEndpoint(capacity)
            .addServiceEndpoint(drainEndpoint)
            .build();
    }

    /** On jnats' dispatcher thread. */
    private void respond(final Connection c, final ServiceMessage message, final boolean drainRequest) {
        try {
            if (drainRequest) {
                final byte[] body = message.getData();
                final String reason = body == null || body.length == 0 ? "" : new String(body, StandardCharsets.UTF_8);
                drain.test(reason.isBlank() ? "nats" : "nats: " + reason.strip());
            }
            message.respond(c, sampler.sample().toJson());
        } catch (final RuntimeException e) {
            LOG.error("NATS: {} request failed", drainRequest ? "drain" : "capacity", e);
            message.respondStandardError(c, "internal error", 500);
        }
    }

    /**
     * On the announcer thread.
     *
     * @param stateName the state to announce, or null for the current one.
     */
    private void publish(final String stateName) {
        final Connection c = connection;
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            skipped.incrementAndGet();
            return;
        }
        try {
            final CapacityReport report = stateName == null ? sampler.sample() : sampler.sample(stateName);
            c.publish(config.capacitySubject(), report.toJson().getBytes(StandardCharsets.UTF_8));
            published.incrementAndGet();
        } catch (final RuntimeException e) {
            skipped.incrementAndGet();
            LOG.debug("NATS: announcement not published: {}", e.toString());
        }
    }

    private void submit(final Runnable task) {
        try {
            executor.execute(task);
        } catch (final RejectedExecutionException e) {
            LOG.debug("NATS: announcer closed, {} not run", task);
        }
    }

    /** Announces {@code stopped}, stops the service and closes the connection, waiting a few seconds at most. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            final Future<?> last = executor.submit(() -> {
                publish("stopped");
                final Connection c = connection;
                if (c != null) {
                    try {
                        c.flush(CLOSE_FLUSH);
                    } catch (final TimeoutException | InterruptedException | RuntimeException e) {
                        LOG.debug("NATS: last announcement not flushed: {}", e.toString());
                    }
                    if (service != null) {
                        service.stop(false);
                    }
                    closeQuietly(c);
                }
            });
            last.get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("NATS: closing took too long or failed: {}", e.toString());
        } finally {
            executor.shutdownNow();
        }
    }

    private static void closeQuietly(final Connection c) {
        try {
            c.close();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** jnats' errors to our log, instead of its own java.util.logging output. */
    private static final class LoggingErrorListener implements ErrorListener {
        @Override
        public void errorOccurred(final Connection conn, final String error) {
            LOG.warn("NATS: server error: {}", error);
        }

        @Override
        public void exceptionOccurred(final Connection conn, final Exception exp) {
            LOG.debug("NATS: {}", exp.toString());
        }

        @Override
        public void slowConsumerDetected(final Connection conn, final Consumer consumer) {
            LOG.warn("NATS: slow consumer");
        }
    }
}
