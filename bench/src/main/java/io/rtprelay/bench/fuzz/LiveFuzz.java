package io.rtprelay.bench.fuzz;

import io.rtprelay.bench.load.NgControl;
import io.rtprelay.bench.load.UdpDrops;
import io.rtprelay.relay.stream.Stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The live fuzzer's entry point: against a running relay with its HTTP metrics on, sets up live calls
 * ({@link LiveCalls}), streams RTP on them, and meanwhile sends mutated ng datagrams ({@link NgFuzzer}) and mutated
 * media packets ({@link MediaFuzzer}) and pings the relay every 10 ms from a socket of its own. Then deletes every
 * call it made, and checks: every datagram answered or counted ignored (the relay's
 * {@code rtprelay_ng_ignored_total} moved by exactly the datagrams without a cookie), no internal error, every
 * ping answered, the live calls' packets all delivered once and intact and nothing foreign delivered, the port
 * pool back to where it began, and the relay still serving a fresh call. Prints a report and a {@code RESULT}
 * line; exits 0 only when every check held.
 *
 * <p>Threads: the caller's runs the ng fuzz; one thread each for the media fuzz, the pinger and the live calls'
 * sending and receiving.
 */
public final class LiveFuzz {
    private static final long PING_INTERVAL_NS = 10_000_000L;

    private LiveFuzz() {
    }

    /**
     * @param args see {@link LiveFuzzConfig#parse}.
     */
    public static void main(final String[] args) {
        final LiveFuzzConfig config;
        try {
            config = LiveFuzzConfig.parse(args);
        } catch (final IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(LiveFuzzConfig.USAGE);
            System.exit(2);
            return;
        }
        final LiveFuzzReport report = run(config);
        System.out.println(report.toText());
        System.out.println(report.resultLine());
        System.exit(report.passed() ? 0 : 1);
    }

    /**
     * Runs one bounded live fuzz.
     *
     * @param config what to run.
     * @return what happened; {@link LiveFuzzReport#passed()} says whether every check held.
     */
    public static LiveFuzzReport run(final LiveFuzzConfig config) {
        final long startNs = System.nanoTime();
        final Map<String, Double> before = scrape(config.http());
        try (NgControl ng = new NgControl(config.ng());
             LiveCalls live = LiveCalls.setUp(ng, config.plainCalls(), config.sdesCalls(), config.ng().getAddress())) {
            live.start();
            for (int i = 0; i < 500 && !live.established(5); i++) {
                LockSupport.parkNanos(10_000_000L);
            }
            // the calls commit to their endpoints once the learning window after their answer is over; before that a
            // relay (rtpengine too) may forward a foreign source's packets to them, which the live check forbids
            final long committedNs = System.nanoTime() + Stream.LEARNING_WINDOW_NS + 500_000_000L;
            while (System.nanoTime() - committedNs < 0) {
                LockSupport.parkNanos(committedNs - System.nanoTime());
            }
            final double portsFreeLive = scrape(config.http()).getOrDefault("rtpengine_ports_free", -1.0);
            final BitSet livePorts = new BitSet();
            live.relayPorts().forEach(a -> livePorts.set(a.getPort()));
            final long kernelDropsBefore = UdpDrops.sum(livePorts);
            final Pinger pinger = new Pinger(config.ng());
            final Thread pinging = Thread.ofPlatform().name("live-fuzz-ping").start(pinger);
            final long[] media = new long[2];
            final MediaFuzzer mediaFuzzer = new MediaFuzzer(config.ng().getAddress(), live.relayPorts(),
                config.portMin(), config.portMax(), config.seed(), config.mediaRatePps(), live.ssrcs(),
                config.livePercent());
            final Thread mediaThread = Thread.ofPlatform().name("live-fuzz-media").start(() -> {
                final long[] r = mediaFuzzer.run(config.mediaPackets());
                media[0] = r[0];
                media[1] = r[1];
            });
            final NgFuzzResult ngResult = new NgFuzzer(config.ng(), config.seed(), config.window(), config.callPool())
                .run(config.ngDatagrams());
            join(mediaThread);
            final long fuzzNs = System.nanoTime() - startNs;
            final LiveResult liveResult = live.stop();
            final long kernelDrops = UdpDrops.sum(livePorts) - kernelDropsBefore;
            pinger.stop();
            join(pinging);
            final int fuzzCallsLeft = deleteFuzzCalls(ng, config.callPool());
            final Map<String, Double> afterFuzz = scrape(config.http());
            final boolean freshCall = freshCall(ng);
            for (final String callId : live.callIds()) {
                ng.call(Map.of("command", "delete", "call-id", callId, "delete-delay", 0L));
            }
            final Map<String, Double> after = scrape(config.http());
            final Map<String, Long> list = new LinkedHashMap<>();
            list.put("calls_left", (long) listCalls(ng).size());
            list.put("fuzz_calls_deleted", (long) fuzzCallsLeft);
            list.put("kernel_drops_at_live_relay_ports", kernelDrops);
            return new LiveFuzzReport(config, fuzzNs, ngResult, media[0], media[1], liveResult, pinger.sent.get(),
                pinger.answered.get(), pinger.maxUs(), before, afterFuzz, after, portsFreeLive, freshCall, list);
        }
    }

    /** Deletes every fuzz call still held (at once), and returns how many there were. */
    private static int deleteFuzzCalls(final NgControl ng, final int pool) {
        int deleted = 0;
        for (int i = 0; i < pool; i++) {
            final Map<String, Object> r = ng.call(Map.of("command", "delete", "call-id", NgMutator.callId(i),
                "delete-delay", 0L));
            if (!r.containsKey("warning")) {
                deleted++;
            }
        }
        for (final String other : listCalls(ng)) {
            if (!other.startsWith("live-")) {
                ng.call(Map.of("command", "delete", "call-id", other, "delete-delay", 0L));
                deleted++;
            }
        }
        return deleted;
    }

    private static List<String> listCalls(final NgControl ng) {
        final Map<String, Object> r = ng.call(Map.of("command", "list", "limit", 1_000_000L));
        final List<String> out = new ArrayList<>();
        if (r.get("calls") instanceof List<?> calls) {
            for (final Object c : calls) {
                out.add(c instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(c));
            }
        }
        return out;
    }

    /** A new call after the fuzz: offer and answer must succeed; it is deleted again. */
    private static boolean freshCall(final NgControl ng) {
        final String callId = "fresh-" + System.nanoTime();
        final String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\na=sendrecv\r\n";
        final boolean offered = "ok".equals(ng.offer(callId, "a", sdp).get("result"));
        final boolean answered = "ok".equals(ng.answer(callId, "a", "b", sdp).get("result"));
        ng.call(Map.of("command", "delete", "call-id", callId, "delete-delay", 0L));
        return offered && answered;
    }

    /**
     * @param http the relay's HTTP address, or null.
     * @return the sample values of {@code /metrics}, each family summed over its labels.
     */
    static Map<String, Double> scrape(final InetSocketAddress http) {
        final Map<String, Double> out = new LinkedHashMap<>();
        if (http == null) {
            return out;
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
                "http://" + http.getHostString() + ":" + http.getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
            for (final String line : response.body().split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                final int space = line.lastIndexOf(' ');
                final int brace = line.indexOf('{');
                final String name = line.substring(0, brace > 0 && brace < space ? brace : space);
                try {
                    out.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
                } catch (final NumberFormatException e) {
                    // not a sample line
                }
            }
            return out;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void join(final Thread t) {
        try {
            t.join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Pings the relay every 10 ms from its own socket, waiting for each pong (up to 5 s) before the next. */
    private static final class Pinger implements Runnable {
        final InetSocketAddress ng;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        volatile long maxNs;
        volatile boolean running = true;

        Pinger(final InetSocketAddress ng) {
            this.ng = ng;
        }

        long maxUs() {
            return maxNs / 1_000;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(ng.getAddress(), 0))) {
                socket.connect(ng);
                socket.setSoTimeout(5_000);
                final byte[] in = new byte[2_048];
                long next = System.nanoTime();
                while (running) {
                    final String cookie = "ping" + sent.get();
                    final byte[] datagram = (cookie + " d7:command4:pinge").getBytes(StandardCharsets.US_ASCII);
                    final long t0 = System.nanoTime();
                    socket.send(new DatagramPacket(datagram, datagram.length));
                    sent.incrementAndGet();
                    if (awaitPong(socket, in, cookie)) {
                        answered.incrementAndGet();
                        maxNs = Math.max(maxNs, System.nanoTime() - t0);
                    }
                    next += PING_INTERVAL_NS;
                    final long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    } else {
                        next = System.nanoTime();
                    }
                }
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static boolean awaitPong(final DatagramSocket socket, final byte[] in, final String cookie)
            throws IOException {
            final byte[] expected = (cookie + " d6:result4:ponge").getBytes(StandardCharsets.US_ASCII);
            while (true) {
                final DatagramPacket p = new DatagramPacket(in, in.length);
                try {
                    socket.receive(p);
                } catch (final SocketTimeoutException e) {
                    return false;
                }
                if (java.util.Arrays.equals(in, 0, p.getLength(), expected, 0, expected.length)) {
                    return true;
                }
            }
        }
    }
}
