package io.rtprelay.control.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * rtpengine's CLI endpoint ({@code listen-cli}): TCP, one command a connection, as rtpengine 10.5 serves it and
 * {@code rtpengine-ctl} uses it: the client sends one line ending in {@code \n} (a {@code \r} before it is dropped
 * too), empty lines are skipped, the first other line is answered, and the server closes the connection, which
 * ends the answer. Bytes are ISO-8859-1 both ways, as ng's call-ids.
 *
 * <p>Threads: one {@code cli-accept} thread; each connection is served by a virtual thread of its own, at most
 * {@value #MAX_CONNECTIONS} at once (beyond that a connection is closed at once and counted), so a client that
 * never finishes its line holds up no other. Never an ng or media thread: the commands reach the calls through
 * {@link CliCommandAdapter}.
 *
 * <p>Bounds rtpengine does not have: a line longer than {@value #MAX_LINE} bytes is answered {@value #TOO_LONG}, and
 * a client that sends no complete line within {@value #READ_TIMEOUT_MS} ms in all is disconnected.
 */
public final class CliServer implements AutoCloseable {
    /** The longest line read; call-ids are far shorter. */
    public static final int MAX_LINE = 64 * 1024;
    /** Our answer to a longer line. */
    public static final String TOO_LONG = "Command line too long.\n";
    /** How long a client may take to send its line. */
    public static final int READ_TIMEOUT_MS = 10_000;
    /** Connections served at once, at most. */
    public static final int MAX_CONNECTIONS = 32;
    /** After answering, how long and how much of the client's further input is read before closing. */
    private static final int DRAIN_TIMEOUT_MS = 1_000;
    private static final long MAX_DRAIN = 1 << 20;
    private static final int BACKLOG = 64;
    private static final long CLOSE_WAIT_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(CliServer.class);

    private final InetSocketAddress listen;
    private final CliCommandAdapter adapter;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean closed;
    private ServerSocket server;
    private final Semaphore permits = new Semaphore(MAX_CONNECTIONS);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private Thread acceptor;

    /**
     * @param listen  where to listen ({@code listen-cli}).
     * @param adapter answers the lines.
     */
    public CliServer(final InetSocketAddress listen, final CliCommandAdapter adapter) {
        this.listen = listen;
        this.adapter = adapter;
    }

    /**
     * Binds and starts accepting.
     *
     * @throws IOException when the address cannot be bound.
     */
    public synchronized void start() throws IOException {
        if (server != null || closed) {
            throw new IllegalStateException("already started or closed");
        }
        final ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(listen, BACKLOG);
        } catch (final IOException e) {
            s.close();
            throw new IOException("cannot bind the CLI to " + listen + ": " + e.getMessage(), e);
        }
        server = s;
        acceptor = Thread.ofPlatform().name("cli-accept").daemon(true).start(this::accept);
        LOG.info("CLI listening on {}", boundAddress());
    }

    /** @return the address bound (the port resolved), null before start. */
    public InetSocketAddress boundAddress() {
        final ServerSocket s = server;
        return s == null ? null : (InetSocketAddress)s.getLocalSocketAddress();
    }

    /** @return connections answered. */
    public long served() {
        return served.get();
    }

    /** @return connections closed unanswered because {@value #MAX_CONNECTIONS} were being served. */
    public long refused() {
        return refused.get();
    }

    private void accept() {
        while (!closed) {
            final Socket client;
            try {
                client = server.accept();
            } catch (final IOException e) {
                if (!closed) {
                    LOG.warn("CLI accept failed: {}", e.toString());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                continue;
            }
            if (!permits.tryAcquire()) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            open.add(client);
            Thread.ofVirtual().name("cli").start(() -> {
                try {
                    serve(client);
                } finally {
                    open.remove(client);
                    permits.release();
                }
            });
        }
    }

    /** On the connection's own virtual thread. */
    private void serve(final Socket client) {
        try (client) {
            final String line = readLine(new DeadlineInput(client, READ_TIMEOUT_MS));
            if (line == null) {
                return;
            }
            final String answer = line.length() > MAX_LINE ? TOO_LONG : adapter.onLine(line);
            final OutputStream out = client.getOutputStream();
            out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            served.incrementAndGet();
            // end the answer with a FIN and read what else the client sent until it closes: closing with unread
            // bytes (a second line, the rest of an overlong one) would reset the connection and lose the answer
            client.shutdownOutput();
            drain(new DeadlineInput(client, DRAIN_TIMEOUT_MS));
        } catch (final SocketTimeoutException e) {
            LOG.debug("CLI client sent no line within {} ms", READ_TIMEOUT_MS);
        } catch (final SocketException e) {
            LOG.debug("CLI connection: {}", e.toString());
        } catch (final IOException e) {
            LOG.warn("CLI connection failed: {}", e.toString());
        }
    }

    /**
     * @return the first non-empty line without its {@code \n} (and a {@code \r} before it); a last line without a
     *         line end counts when the client closes; longer than {@link #MAX_LINE}: {@link #MAX_LINE} + 1 bytes of
     *         it; null when the client sent nothing but empty lines.
     */
    static String readLine(final InputStream in) throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        final byte[] buf = new byte[4096];
        while (true) {
            final int n = in.read(buf);
            if (n < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            for (int i = 0; i < n; i++) {
                final byte b = buf[i];
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1);
                    if (text.endsWith("\r")) {
                        text = text.substring(0, text.length() - 1);
                    }
                    if (!text.isEmpty()) {
                        return text;
                    }
                    line.reset();
                } else {
                    line.write(b);
                    if (line.size() > MAX_LINE) {
                        return line.toString(StandardCharsets.ISO_8859_1);
                    }
                }
            }
        }
    }

    private static void drain(final InputStream in) throws IOException {
        final byte[] buf = new byte[4096];
        long left = MAX_DRAIN;
        int n;
        try {
            while (left > 0 && (n = in.read(buf)) >= 0) {
                left -= n;
            }
        } catch (final SocketTimeoutException e) {
            LOG.debug("CLI client kept its side open after the answer; closing");
        }
    }

    /**
     * A connection's input with one deadline for all its reads (a per-read timeout alone would let a client that
     * trickles a byte at a time hold its connection for ever).
     */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final long deadlineNs;

        DeadlineInput(final Socket socket, final long timeoutMs) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        }

        @Override
        public int read() throws IOException {
            final byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (leftMs <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int)Math.min(leftMs, Integer.MAX_VALUE));
            return in.read(b, off, len);
        }
    }

    private static void closeQuietly(final Socket s) {
        try {
            s.close();
        } catch (final IOException e) {
            LOG.debug("closing a CLI connection: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            try {
                server.close();
            } catch (final IOException e) {
                LOG.debug("closing the CLI socket: {}", e.toString());
            }
        }
        for (final Socket client : open) {
            closeQuietly(client);
        }
        try {
            if (acceptor != null) {
                acceptor.join(CLOSE_WAIT_MS);
            }
            // a connection in the middle of a command finishes it (the conductor's methods are short)
            if (permits.tryAcquire(MAX_CONNECTIONS, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                permits.release(MAX_CONNECTIONS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
