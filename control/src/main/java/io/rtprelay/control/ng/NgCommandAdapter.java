package io.rtprelay.control.ng;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns one ng request datagram ({@code cookie SP bencode-dictionary}) into its reply datagram: the one place
 * where ng errors are caught. Decodes, answers retransmissions from the {@link ReplyCache}, dispatches to the
 * registered {@link NgCommandHandler}, and encodes the reply. Answers {@code ping} itself.
 *
 * <p>Owned by the control thread: {@link #onDatagram} runs there, one request at a time, and so do the
 * handlers. Register every command before the server starts. Counters may be read from any thread.
 *
 * <p>Replies to bad input are rtpengine 10.5's, observed on the real daemon (see NgDifferentialTest):
 * <ul>
 *   <li>no space in the datagram, or nothing before the first space (no cookie): no reply at all;</li>
 *   <li>nothing after the space: {@value #NO_PAYLOAD};</li>
 *   <li>the payload does not start with {@code d}: {@value #INVALID_FORMAT} (rtpengine also speaks JSON when it
 *       starts with <code>{</code>; we do not, so a JSON request gets this error too);</li>
 *   <li>a {@code d} that rtpengine's lenient decoder refuses ({@link Bencode#decodeNgRequest}):
 *       {@value #UNDECODABLE};</li>
 *   <li>no {@code command} string: {@value #NO_COMMAND}; an unknown command: {@value #UNRECOGNIZED}.</li>
 * </ul>
 * Command names are matched like keys ({@link NgRequest}): {@code "start recording"}, {@code "start-recording"}
 * and {@code "start_recording"} are one command (rtpengine 10.5 knows only the spaced form), case-sensitively
 * ({@code "PING"} is unrecognized, as in rtpengine). Every reply that has a cookie is cached, errors too, as
 * rtpengine does; the empty-payload check comes before the cache lookup, as in rtpengine.
 *
 * <p>Deliberate additions: a handler's unexpected exception becomes {@value #INTERNAL_ERROR}, is counted and
 * logged once per distinct message; a reply that would not fit in one UDP datagram becomes
 * {@value #REPLY_TOO_LARGE}; a request datagram larger than {@value #MAX_DATAGRAM} bytes gets
 * {@value #DATAGRAM_TOO_LARGE} (rtpengine has no such cases).
 *
 * <p>Logging: while a command's handler runs, the SLF4J MDC holds its call-id under {@value #MDC_CALL_ID} (so
 * every line logged on its behalf carries it, in text and in JSON), and one INFO line per handled command says
 * what was answered and how long it took, as rtpengine logs each command it receives.
 */
public final class NgCommandAdapter {
    /** rtpengine's reason for a cookie followed by nothing. */
    public static final String NO_PAYLOAD = "Invalid data (no payload)";
    /** rtpengine's reason for a payload that is neither a bencode dictionary nor JSON. */
    public static final String INVALID_FORMAT = "Invalid NG data format";
    /** rtpengine's reason for a dictionary its decoder refuses. */
    public static final String UNDECODABLE = "Could not decode bencode dictionary";
    /** rtpengine's reason for a dictionary without a {@code command} string. */
    public static final String NO_COMMAND = "Dictionary contains no key \"command\"";
    /** rtpengine's reason for an unknown command. */
    public static final String UNRECOGNIZED = "Unrecognized command";
    /** Our reason when a handler failed unexpectedly (a bug: counted and logged). */
    public static final String INTERNAL_ERROR = "Internal error";
    /** Our reason when the reply would exceed {@value #MAX_DATAGRAM} bytes. */
    public static final String REPLY_TOO_LARGE = "Reply too large";
    /** Our reason for a request datagram larger than {@value #MAX_DATAGRAM} bytes. */
    public static final String DATAGRAM_TOO_LARGE = "Datagram too large";
    /** The largest UDP payload over IPv4 (65,535 - 20 - 8); requests and replies are bounded by it. */
    public static final int MAX_DATAGRAM = 65_507;

    /** The MDC key of the call-id of the ng command being handled. */
    public static final String MDC_CALL_ID = "callId";

    private static final Logger LOG = LoggerFactory.getLogger(NgCommandAdapter.class);
    private static final int MAX_REMEMBERED_FAILURES = 1024;
    private static final int MAX_SOURCES = 256;
    private static final String PING = "ping";

    private final ReplyCache cache;
    private final Map<String, Registration> commands = new ConcurrentHashMap<>();
    /** Dispatches by ng client address and command; bounded, the clients are a handful of SIP proxies. */
    private final Map<String, Map<String, AtomicLong>> bySource = new ConcurrentHashMap<>();
    private final Map<String, Boolean> loggedFailures = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED_FAILURES;
        }
    };
    private volatile long requests;
    private volatile long ignored;
    private volatile long duplicates;
    private volatile long errors;
    private volatile long internalErrors;
    private volatile long loadLimits;

    /** An adapter with a default {@link ReplyCache}. */
    public NgCommandAdapter() {
        this(new ReplyCache());
    }

    /**
     * @param cache the reply cache, owned by the control thread with this adapter.
     */
    public NgCommandAdapter(final ReplyCache cache) {
        this.cache = cache;
        register(PING, request -> {
            final Map<String, Object> pong = new LinkedHashMap<>();
            pong.put("result", "pong");
            return pong;
        });
    }

    /**
     * Registers (or replaces) the handler of a command.
     *
     * @param command the command as rtpengine's docs spell it, e.g. {@code "offer"}, {@code "start recording"},
     *                {@code "block DTMF"}.
     * @param handler runs it, on the control thread.
     */
    public void register(final String command, final NgCommandHandler handler) {
        final Registration registration = new Registration(command, handler);
        final String name = NgRequest.normalise(command);
        commands.put(name, registration);
        final String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.equals(name)) {
            commands.put(lower, registration);
        }
    }

    /**
     * Handles one request datagram. Never throws.
     *
     * @param buf the datagram's bytes; read only during the call.
     * @param off where it starts.
     * @param len its length.
     * @return the whole reply datagram ({@code cookie SP bencode}), or null when nothing must be sent.
     */
    public byte[] onDatagram(final byte[] buf, final int off, final int len) {
        return onDatagram(buf, off, len, "");
    }

    /**
     * Handles one request datagram. Never throws.
     *
     * @param buf    the datagram's bytes; read only during the call.
     * @param off    where it starts.
     * @param len    its length.
     * @param source who sent it, {@code address:port}, for the handlers ({@link NgRequest#source()}); may be empty.
     * @return the whole reply datagram ({@code cookie SP bencode}), or null when nothing must be sent.
     */
    public byte[] onDatagram(final byte[] buf, final int off, final int len, final String source) {
        final int space = indexOfSpace(buf, off, len);
        if (space <= off) {
            ignored++;
            LOG.debug("ignoring an ng datagram of {} bytes without a cookie", len);
            return null;
        }
        requests++;
        final String cookie = new String(buf, off, space - off, StandardCharsets.ISO_8859_1);
        final int dataOff = space + 1;
        final int dataLen = off + len - dataOff;
        if (dataLen <= 0) {
            return reply(cookie, null, error(NO_PAYLOAD), true);
        }
        final byte[] cached = cache.get(cookie);
        if (cached != null) {
            duplicates++;
            LOG.debug("answering retransmitted cookie {} from the cache", cookie);
            return cached;
        }
        final Dispatch dispatched = dispatch(buf, dataOff, dataLen, source);
        return reply(cookie, dispatched.command(), dispatched.reply(), true);
    }

    /**
     * Answers a request datagram that was too large to handle (or was truncated on receipt).
     *
     * @param buf the bytes received.
     * @param off where they start.
     * @param len how many there are.
     * @return an error reply with the datagram's cookie, or null when it has none.
     */
    public byte[] onOversizedDatagram(final byte[] buf, final int off, final int len) {
        final int space = indexOfSpace(buf, off, len);
        if (space <= off) {
            ignored++;
            return null;
        }
        requests++;
        final String cookie = new String(buf, off, space - off, StandardCharsets.ISO_8859_1);
        LOG.debug("refusing an ng datagram of {} bytes, cookie {}", len, cookie);
        return reply(cookie, null, error(DATAGRAM_TOO_LARGE), false);
    }

    /** @return datagrams with a cookie received (retransmissions included). */
    public long requests() {
        return requests;
    }

    /**
     * @param command a registered command (any accepted spelling).
     * @return how many times it was dispatched to its handler (retransmissions answered from the cache not
     *         included), 0 when it is not registered.
     */
    public long requests(final String command) {
        final Registration r = lookup(command);
        return r == null ? 0 : r.count;
    }

    /** @return dispatch counts by command, as registered. */
    public Map<String, Long> requestCounts() {
        final Map<String, Long> out = new LinkedHashMap<>();
        for (final Registration r : commands.values()) {
            out.put(r.command, r.count);
        }
        return out;
    }

    /**
     * @return seconds spent in each command's handler since start, by command as registered (rtpengine's
     *         {@code rtpengine_request_seconds_total}).
     */
    public Map<String, Double> requestSeconds() {
        final Map<String, Double> out = new LinkedHashMap<>();
        for (final Registration r : commands.values()) {
            out.put(r.command, r.nanos / 1e9);
        }
        return out;
    }

    /**
     * @return dispatch counts by ng client address (without port) and command, as registered: rtpengine's CLI
     *         {@code Control statistics} table. A snapshot, from any thread; at most 256 addresses are counted.
     */
    public Map<String, Map<String, Long>> requestCountsBySource() {
        final Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (final Map.Entry<String, Map<String, AtomicLong>> e : bySource.entrySet()) {
            final Map<String, Long> counts = new LinkedHashMap<>();
            for (final Map.Entry<String, AtomicLong> c : e.getValue().entrySet()) {
                counts.put(c.getKey(), c.getValue().get());
            }
            out.put(e.getKey(), counts);
        }
        return out;
    }

    private void countBySource(final String source, final String command) {
        if (source == null || source.isEmpty()) {
            return;
        }
        final int colon = source.lastIndexOf(':');
        String host = colon > 0 ? source.substring(0, colon) : source;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!bySource.containsKey(host) && bySource.size() >= MAX_SOURCES) {
            return;
        }
        bySource.computeIfAbsent(host, k -> new ConcurrentHashMap<>())
            .computeIfAbsent(command, k -> new AtomicLong()).incrementAndGet();
    }

    /** @return datagrams ignored because they had no cookie. */
    public long ignored() {
        return ignored;
    }

    /** @return retransmissions answered from the reply cache. */
    public long duplicates() {
        return duplicates;
    }

    /** @return error replies sent (protocol errors, refused commands, internal errors). */
    public long errors() {
        return errors;
    }

    /** @return handler failures other than {@link NgException}: bugs. */
    public long internalErrors() {
        return internalErrors;
    }

    /** @return {@code result: load limit} replies sent. */
    public long loadLimits() {
        return loadLimits;
    }

    private Dispatch dispatch(final byte[] buf, final int off, final int len, final String source) {
        if (buf[off] != 'd') {
            return new Dispatch(null, error(INVALID_FORMAT));
        }
        final Map<String, Object> dictionary;
        try {
            dictionary = Bencode.decodeNgRequest(buf, off, len);
        } catch (final BencodeException e) {
            LOG.debug("undecodable ng request: {}", e.getMessage());
            return new Dispatch(null, error(UNDECODABLE));
        }
        final NgRequest request = new NgRequest(dictionary, source);
        final String command = request.command();
        if (command == null) {
            return new Dispatch(null, error(NO_COMMAND));
        }
        final Registration registration = lookup(command);
        if (registration == null) {
            return new Dispatch(command, error(UNRECOGNIZED));
        }
        registration.count++;
        countBySource(source, registration.command);
        final String callId = callIdOf(request);
        if (callId != null) {
            MDC.put(MDC_CALL_ID, callId);
        }
        final long startNs = System.nanoTime();
        try {
            final Map<String, Object> reply = run(registration, request);
            final long elapsedNs = System.nanoTime() - startNs;
            registration.nanos += elapsedNs;
            if (LOG.isInfoEnabled()) {
                LOG.info("ng '{}' answered '{}' in {} us", command, reply.get("result"), elapsedNs / 1_000);
            }
            return new Dispatch(command, reply);
        } finally {
            if (callId != null) {
                MDC.remove(MDC_CALL_ID);
            }
        }
    }

    private static String callIdOf(final NgRequest request) {
        try {
            return request.string("call-id");
        } catch (final NgException e) {
            return null;
        }
    }

    private Map<String, Object> run(final Registration registration, final NgRequest request) {
        try {
            final Map<String, Object> reply = registration.handler.handle(request);
            if (reply == null || !(reply.get("result") instanceof String)) {
                return internalError(registration.command,
                    new IllegalStateException("handler returned no result: " + reply));
            }
            return reply;
        } catch (final NgException e) {
            if (e.isLoadLimit() && request.supports(NgException.LOAD_LIMIT)) {
                loadLimits++;
                final Map<String, Object> reply = new LinkedHashMap<>();
                reply.put("result", NgException.LOAD_LIMIT);
                reply.put("message", e.reason());
                return reply;
            }
            return error(e.reason());
        } catch (final RuntimeException | StackOverflowError e) {
            return internalError(registration.command, e);
        }
    }

    private Registration lookup(final String command) {
        return commands.get(NgRequest.normalise(command));
    }

    private static Map<String, Object> error(final String reason) {
        final Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", NgException.ERROR);
        reply.put("error-reason", reason);
        return reply;
    }

    private Map<String, Object> internalError(final String command, final Throwable e) {
        internalErrors++;
        logOnce(command, e);
        return error(INTERNAL_ERROR);
    }

    private void logOnce(final String command, final Throwable e) {
        final String key = command + '|' + e.getClass().getName() + ": " + e.getMessage();
        if (loggedFailures.put(key, Boolean.TRUE) == null) {
            LOG.error("ng command '{}' failed unexpectedly (logged once per distinct message)", command, e);
        } else {
            LOG.debug("ng command '{}' failed unexpectedly again: {}", command, e.toString());
        }
    }

    private byte[] reply(final String cookie, final String command, final Map<String, Object> reply,
        final boolean cacheIt) {
        Map<String, Object> sent = reply;
        byte[] datagram;
        try {
            datagram = encode(cookie, sent);
        } catch (final IllegalArgumentException e) {
            sent = internalError(command, e);
            datagram = encode(cookie, sent);
        }
        if (datagram.length > MAX_DATAGRAM) {
            internalErrors++;
            logOnce(command, new IllegalStateException("reply of " + datagram.length + " bytes"));
            sent = error(REPLY_TOO_LARGE);
            datagram = encode(cookie, sent);
        }
        if (NgException.ERROR.equals(sent.get("result"))) {
            errors++;
        }
        if (cacheIt) {
            cache.put(cookie, datagram);
        }
        return datagram;
    }

    private static byte[] encode(final String cookie, final Map<String, Object> reply) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(cookie.getBytes(StandardCharsets.ISO_8859_1));
        out.write(' ');
        Bencode.encode(reply, out);
        return out.toByteArray();
    }

    private static int indexOfSpace(final byte[] buf, final int off, final int len) {
        for (int i = off; i < off + len; i++) {
            if (buf[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    /** A command's handler, dispatch count and time spent; both written on the control thread only. */
    private static final class Registration {
        final String command;
        final NgCommandHandler handler;
        volatile long count;
        volatile long nanos;

        Registration(final String command, final NgCommandHandler handler) {
            this.command = command;
            this.handler = handler;
        }
    }

    private record Dispatch(String command, Map<String, Object> reply) {
    }
}
