package io.rtprelay.bench.fuzz;

import io.rtprelay.control.ng.Bencode;
import io.rtprelay.control.ng.BencodeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends mutated ng datagrams ({@link NgMutator}) to a relay from one connected socket and accounts for every one:
 * a datagram with a cookie must get a reply carrying it, a bencode dictionary whose {@code result} is {@code ok},
 * {@code pong}, {@code load limit} or {@code error} with an {@code error-reason}; a datagram without a cookie
 * (nothing before a first space) must get none, and the relay must count it as ignored. Each datagram has a fresh
 * cookie, except the retransmissions it makes on purpose (an earlier cookie again, with its own body or another),
 * which must be answered too. Up to {@code window} replies are outstanding at once; one not answered within a
 * second is retransmitted, as Kamailio does, up to five times.
 *
 * <p>Threads: {@link #run} sends on the caller's thread and receives on one thread of its own.
 */
final class NgFuzzer {
    private static final int ATTEMPTS = 5;
    private static final long RETRANSMIT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int RECENT = 256;
    private static final int MAX_BODY = 60_000;

    private final InetSocketAddress ng;
    private final long seed;
    private final int window;
    private final int callPool;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> results = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> reasons = new ConcurrentHashMap<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final AtomicLong retransmits = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean sending = true;

    /**
     * @param ng       the relay's ng address.
     * @param seed     the mutator's seed.
     * @param window   replies outstanding at most.
     * @param callPool fuzz call-ids in use.
     */
    NgFuzzer(final InetSocketAddress ng, final long seed, final int window, final int callPool) {
        this.ng = ng;
        this.seed = seed;
        this.window = window;
        this.callPool = callPool;
    }

    /**
     * Sends {@code count} datagrams and waits for every reply due.
     *
     * @param count datagrams to send.
     * @return what came back.
     */
    NgFuzzResult run(final long count) {
        final NgMutator mutator = new NgMutator(seed, callPool);
        final SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        final Semaphore permits = new Semaphore(window);
        final List<String> recentCookies = new ArrayList<>();
        final List<byte[]> recentDatagrams = new ArrayList<>();
        long ignoredSent = 0;
        long expected = 0;
        long retransmittedCookies = 0;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(ng.getAddress(), 0))) {
            socket.connect(ng);
            socket.setSoTimeout(100);
            final Thread receiver = Thread.ofPlatform().name("ng-fuzz-receiver").start(() -> receive(socket, permits));
            for (long n = 0; expected + ignoredSent < count; n++) {
                final String cookie = "z" + Long.toString(seed & 0xFFFF, 36) + "x" + Long.toString(n, 36);
                byte[] body = n % 50 == 49 ? mutator.cleanDelete() : mutator.next();
                if (body.length > MAX_BODY) {
                    body = Arrays.copyOf(body, MAX_BODY);
                }
                byte[] datagram = withCookie(cookie, body);
                String expect = cookie;
                final int kind = random.nextInt(100);
                if (kind < 2) {
                    datagram = mutateWhole(datagram, random);
                    expect = cookieOf(datagram);
                    if (expect != null && (pending.containsKey(expect) || expect.startsWith("z"))) {
                        continue;
                    }
                } else if (kind < 4 && !recentCookies.isEmpty()) {
                    final int i = random.nextInt(recentCookies.size());
                    expect = recentCookies.get(i);
                    datagram = random.nextBoolean() ? recentDatagrams.get(i) : withCookie(expect, body);
                    if (pending.containsKey(expect)) {
                        continue;
                    }
                    retransmittedCookies++;
                }
                if (expect == null) {
                    ignoredSent++;
                    send(socket, datagram);
                    continue;
                }
                permits.acquireUninterruptibly();
                expected++;
                pending.put(expect, new Pending(datagram, System.nanoTime()));
                send(socket, datagram);
                if (expect.equals(cookie)) {
                    if (recentCookies.size() < RECENT) {
                        recentCookies.add(cookie);
                        recentDatagrams.add(datagram);
                    } else {
                        final int i = random.nextInt(RECENT);
                        recentCookies.set(i, cookie);
                        recentDatagrams.set(i, datagram);
                    }
                }
            }
            permits.acquireUninterruptibly(window);
            sending = false;
            receiver.join();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new NgFuzzResult(expected + ignoredSent, expected, answered.get(), ignoredSent, retransmittedCookies,
            unanswered.get(), malformed.get(), retransmits.get(), new TreeMap<>(counts(results)),
            new TreeMap<>(counts(reasons)), List.copyOf(failures));
    }

    private void receive(final DatagramSocket socket, final Semaphore permits) {
        final byte[] in = new byte[65_536];
        while (sending || !pending.isEmpty()) {
            try {
                final DatagramPacket packet = new DatagramPacket(in, in.length);
                socket.receive(packet);
                final String cookie = cookieOf(Arrays.copyOf(in, packet.getLength()));
                final Pending p = cookie == null ? null : pending.remove(cookie);
                if (p == null) {
                    continue;
                }
                answered.incrementAndGet();
                check(cookie, in, cookie.length() + 1, packet.getLength() - cookie.length() - 1, p);
                permits.release();
            } catch (final SocketTimeoutException e) {
                retransmitLate(socket, permits);
            } catch (final IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
            if (System.nanoTime() % 64 == 0) {
                retransmitLate(socket, permits);
            }
        }
    }

    private void retransmitLate(final DatagramSocket socket, final Semaphore permits) {
        final long nowNs = System.nanoTime();
        for (final Map.Entry<String, Pending> e : pending.entrySet()) {
            final Pending p = e.getValue();
            if (nowNs - p.sentNs < RETRANSMIT_NS) {
                continue;
            }
            if (p.attempts >= ATTEMPTS) {
                if (pending.remove(e.getKey(), p)) {
                    unanswered.incrementAndGet();
                    fail("no reply for cookie " + e.getKey() + " after " + ATTEMPTS + " attempts");
                    permits.release();
                }
                continue;
            }
            p.attempts++;
            p.sentNs = nowNs;
            retransmits.incrementAndGet();
            send(socket, p.datagram);
        }
    }

    private void check(final String cookie, final byte[] in, final int off, final int len, final Pending p) {
        final Map<String, Object> reply;
        try {
            reply = Bencode.decodeDictionary(in, off, len);
        } catch (final BencodeException e) {
            malformed.incrementAndGet();
            fail("reply to " + cookie + " is not a dictionary: "
                + new String(in, off, len, StandardCharsets.ISO_8859_1));
            return;
        }
        final Object result = reply.get("result");
        final String r = result instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(result);
        results.computeIfAbsent(r, k -> new AtomicLong()).incrementAndGet();
        switch (r) {
            case "ok", "pong", "load limit" -> {
            }
            case "error" -> {
                final Object reason = reply.get("error-reason");
                if (!(reason instanceof String) && !(reason instanceof byte[])) {
                    malformed.incrementAndGet();
                    fail("error reply to " + cookie + " without error-reason: " + reply);
                    return;
                }
                final String text = reason instanceof byte[] b
                    ? new String(b, StandardCharsets.UTF_8) : (String) reason;
                final int quote = text.indexOf('\'');
                final String kind = quote >= 0 ? text.substring(0, quote) + "'...'" : text;
                reasons.computeIfAbsent(kind.length() > 60 ? kind.substring(0, 60) : kind, k -> new AtomicLong())
                    .incrementAndGet();
                if (text.startsWith("Internal error")) {
                    fail("internal error for " + printable(p.datagram));
                }
            }
            default -> {
                malformed.incrementAndGet();
                fail("reply to " + cookie + " has result " + r + ": " + reply);
            }
        }
    }

    private void fail(final String what) {
        if (failures.size() < 20) {
            failures.add(what);
        }
    }

    private static String printable(final byte[] datagram) {
        final String text = new String(datagram, StandardCharsets.ISO_8859_1);
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 2_000; i++) {
            final char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\x%02x", (int) c));
            }
        }
        return out.toString();
    }

    private static Map<String, Long> counts(final Map<String, AtomicLong> in) {
        final Map<String, Long> out = new TreeMap<>();
        in.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static void send(final DatagramSocket socket, final byte[] datagram) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length));
        } catch (final IOException e) {
            // a port-unreachable from an earlier send, or a full buffer: the retransmission covers it
        }
    }

    private static byte[] withCookie(final String cookie, final byte[] body) {
        final byte[] prefix = (cookie + " ").getBytes(StandardCharsets.US_ASCII);
        final byte[] datagram = Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, datagram, prefix.length, body.length);
        return datagram;
    }

    /** @return the cookie as the relay reads it (the bytes before the first space), null when it has none. */
    static String cookieOf(final byte[] datagram) {
        for (int i = 0; i < datagram.length; i++) {
            if (datagram[i] == ' ') {
                return i == 0 ? null : new String(datagram, 0, i, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static byte[] mutateWhole(final byte[] datagram, final SplittableRandom random) {
        final byte[] b = datagram.clone();
        switch (random.nextInt(4)) {
            case 0 -> b[0] = ' ';
            case 1 -> {
                for (int i = 0; i < b.length; i++) {
                    if (b[i] == ' ') {
                        b[i] = '_';
                    }
                }
            }
            case 2 -> {
                return new byte[] {(byte) random.nextInt(256)};
            }
            default -> {
                for (int i = 0; i < Math.min(b.length, 12); i++) {
                    b[i] = (byte) ('a' + random.nextInt(26));
                }
            }
        }
        return b;
    }

    /** A datagram waiting for its reply; written by the sender before sending, then by the receiver only. */
    private static final class Pending {
        final byte[] datagram;
        volatile long sentNs;
        volatile int attempts = 1;

        Pending(final byte[] datagram, final long sentNs) {
            this.datagram = datagram;
            this.sentNs = sentNs;
        }
    }
}
