package io.rtprelay.control.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The relay's HTTP endpoint, on rtpengine's {@code listen-http} address: what operators, Prometheus and Kubernetes
 * ask of a running relay.
 * <ul>
 *   <li>{@code GET /ping}: {@code 200 pong\n}, {@code text/plain}, as rtpengine answers (query string ignored);</li>
 *   <li>{@code GET /metrics}: the Prometheus text format ({@link RelayMetrics});</li>
 *   <li>{@code GET /healthz}: liveness, {@code 200 ok} whenever the process serves HTTP (also while draining:
 *       a draining relay still carries calls and must not be restarted);</li>
 *   <li>{@code GET /readyz}: readiness, {@code 200 ready}, or {@code 503 draining} once the relay drains;</li>
 *   <li>{@code POST /drain}: starts the drain (ours: rtpengine has none), {@code 200 draining}; idempotent.</li>
 * </ul>
 * Any other path is {@code 404 not found\n}, rtpengine's answer; a known path asked with another method is
 * {@code 405} with {@code Allow}. {@code HEAD} is answered as {@code GET} without a body.
 *
 * <p>Threads: the JDK's {@code com.sun.net.httpserver} accepts on its own dispatcher thread and runs each exchange
 * on one of {@value #THREADS} platform threads ({@code http-N}), so a scrape waiting for the call conductor's lock
 * never holds up a liveness probe. Nothing here runs on, or blocks, a media event loop.
 */
public final class RelayHttpServer implements AutoCloseable {
    /** What {@code /ping} answers, byte for byte rtpengine's. */
    public static final String PONG = "pong\n";
    /** rtpengine's body for an unknown path. */
    public static final String NOT_FOUND = "not found\n";

    private static final Logger LOG = LoggerFactory.getLogger(RelayHttpServer.class);
    private static final int THREADS = 4;
    private static final int BACKLOG = 64;
    private static final int MAX_BODY_BYTES = 4096;
    /** rtpengine's content type for its plain answers; every body here is ASCII. */
    private static final String TEXT = "text/plain";

    private final InetSocketAddress address;
    private final RelayMetrics metrics;
    private final BooleanSupplier draining;
    private final Consumer<String> drain;
    private HttpServer server;
    private ExecutorService executor;

    /**
     * @param address  where to listen ({@code listen-http}); port 0 picks a free one.
     * @param metrics  what {@code /metrics} writes.
     * @param draining whether the relay drains: {@code /readyz} answers 503 while it does.
     * @param drain    starts the drain; called with the source {@code "http"} on {@code POST /drain}.
     */
    public RelayHttpServer(final InetSocketAddress address, final RelayMetrics metrics,
        final BooleanSupplier draining, final Consumer<String> drain) {
        this.address = address;
        this.metrics = metrics;
        this.draining = draining;
        this.drain = drain;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound.
     */
    public void start() throws IOException {
        final AtomicInteger threadNo = new AtomicInteger();
        executor = Executors.newFixedThreadPool(THREADS,
            r -> Thread.ofPlatform().name("http-" + threadNo.incrementAndGet()).daemon(true).unstarted(r));
        try {
            server = HttpServer.create(address, BACKLOG);
        } catch (final IOException e) {
            executor.shutdownNow();
            throw new IOException("listen-http " + address + ": " + e.getMessage(), e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("HTTP on {}: /ping /metrics /healthz /readyz /drain", boundAddress());
    }

    /** @return the address bound (with the port picked when 0 was asked). */
    public InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            discardBody(exchange.getRequestBody());
            final String method = exchange.getRequestMethod();
            final String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/ping" -> get(exchange, method, 200, PONG);
                case "/healthz" -> get(exchange, method, 200, "ok\n");
                case "/readyz" -> {
                    final boolean isDraining = draining.getAsBoolean();
                    get(exchange, method, isDraining ? 503 : 200, isDraining ? "draining\n" : "ready\n");
                }
                case "/metrics" -> metrics(exchange, method);
                case "/drain" -> drain(exchange, method);
                default -> send(exchange, 404, TEXT, NOT_FOUND.getBytes(StandardCharsets.UTF_8));
            }
        } catch (final IOException | RuntimeException e) {
            LOG.debug("HTTP {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        }
    }

    private static void get(final HttpExchange exchange, final String method, final int status, final String body)
        throws IOException {
        if (!isGet(method)) {
            methodNotAllowed(exchange, "GET, HEAD");
            return;
        }
        send(exchange, status, TEXT, body.getBytes(StandardCharsets.UTF_8));
    }

    private void metrics(final HttpExchange exchange, final String method) throws IOException {
        if (!isGet(method)) {
            methodNotAllowed(exchange, "GET, HEAD");
            return;
        }
        final ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        metrics.write(body);
        send(exchange, 200, RelayMetrics.contentType(), body.toByteArray());
    }

    private void drain(final HttpExchange exchange, final String method) throws IOException {
        if (!"POST".equals(method)) {
            methodNotAllowed(exchange, "POST");
            return;
        }
        LOG.info("drain requested over HTTP by {}", exchange.getRemoteAddress());
        drain.accept("http");
        send(exchange, 200, TEXT, "draining\n".getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isGet(final String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static void methodNotAllowed(final HttpExchange exchange, final String allow) throws IOException {
        exchange.getResponseHeaders().set("Allow", allow);
        send(exchange, 405, TEXT, "method not allowed\n".getBytes(StandardCharsets.UTF_8));
    }

    private static void send(final HttpExchange exchange, final int status, final String contentType,
        final byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Reads (at most a few KiB of) the request body so the connection can be reused. */
    private static void discardBody(final InputStream in) throws IOException {
        final byte[] scratch = new byte[512];
        int total = 0;
        int n;
        while (total < MAX_BODY_BYTES && (n = in.read(scratch)) > 0) {
            total += n;
        }
    }

    /** Stops serving; an exchange in flight (the POST /drain that ended the relay) gets up to a second to finish. */
    @Override
    public void close() {
        if (server != null) {
            server.stop(1);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
