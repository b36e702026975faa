package io.rtprelay.bench.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * What one load run does: the relay to drive, how many calls, how much media, for how long, and what to measure.
 * Immutable; built by {@link #parse(String...)} from the command line or directly by a test.
 *
 * @param ng              the relay's ng address (UDP); null with {@code direct}.
 * @param calls           calls to set up; each has two RTP streams (A to B, B to A).
 * @param ratePps         packets per second per stream (RTP at 20 ms ptime: 50).
 * @param payloadBytes    RTP payload bytes per packet (G.711 at 20 ms: 160), at least {@value #MIN_PAYLOAD}.
 * @param warmupMs        media sent before the measured window opens.
 * @param durationMs      the measured window.
 * @param drainMs         how long to wait after the window for packets still in flight.
 * @param relayPid        the relay's process id, for CPU and RSS from /proc; 0 when not measured.
 * @param threads         the generator's event loops.
 * @param socketsPerLoop  endpoint sockets per loop (calls share them; at least 2, even); 0: one per endpoint.
 * @param tickUs          the pacing tick: every tick sends what fell due since the last.
 * @param sendBatch       packets written before a flush (one sendmmsg), bounding the send-side batching delay.
 * @param setupRate       ng setups per second (offer + answer); 0: as fast as the relay answers.
 * @param address         the loopback address endpoints bind and advertise.
 * @param direct          no relay: endpoints send to each other, to measure the generator's own floor.
 * @param callIdPrefix    call-ids are {@code prefix-N}.
 */
public record LoadConfig(
    InetSocketAddress ng,
    int calls,
    int ratePps,
    int payloadBytes,
    long warmupMs,
    long durationMs,
    long drainMs,
    long relayPid,
    int threads,
    int socketsPerLoop,
    int tickUs,
    int sendBatch,
    int setupRate,
    InetAddress address,
    boolean direct,
    String callIdPrefix) {

    /** Room for the generator's own header in the payload: magic, stream, sequence, send time. */
    public static final int MIN_PAYLOAD = 24;
    /** The most calls one run sets up (each takes 4 relay ports and 2 stream slots here). */
    public static final int MAX_CALLS = 50_000;

    /** Checks the bounds. */
    public LoadConfig {
        if (!direct && ng == null) {
            throw new IllegalArgumentException("--ng HOST:PORT is required (or --direct)");
        }
        check("calls", calls, 1, MAX_CALLS);
        check("rate", ratePps, 1, 1_000);
        check("payload", payloadBytes, MIN_PAYLOAD, 1_400);
        check("threads", threads, 1, 16);
        check("tick-us", tickUs, 100, 100_000);
        check("send-batch", sendBatch, 1, 1_024);
        check("setup-rate", setupRate, 0, 100_000);
        if (socketsPerLoop != 0 && (socketsPerLoop < 2 || socketsPerLoop % 2 != 0 || socketsPerLoop > 4_096)) {
            throw new IllegalArgumentException("--sockets must be 0 or an even number 2..4096: " + socketsPerLoop);
        }
        if (warmupMs < 0 || durationMs < 100 || drainMs < 0 || warmupMs + durationMs > 3_600_000) {
            throw new IllegalArgumentException("warmup >= 0, duration >= 0.1 s, both together at most an hour");
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("traffic stays on loopback: " + address.getHostAddress());
        }
        if (ng != null && !ng.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the relay must be on loopback: " + ng);
        }
    }

    private static void check(final String name, final long value, final long min, final long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("--" + name + " must be " + min + ".." + max + ": " + value);
        }
    }

    /**
     * @param ng    the relay's ng address.
     * @param calls how many calls.
     * @return a configuration with the defaults of the command line otherwise.
     */
    public static LoadConfig defaults(final InetSocketAddress ng, final int calls) {
        return new LoadConfig(ng, calls, 50, 160, 2_000, 10_000, 1_000, 0, 1, 2, 1_000, 16, 0,
            InetAddress.getLoopbackAddress(), false, "load-" + Long.toHexString(System.nanoTime()));
    }

    /** @return the same run, measuring the given relay process. */
    public LoadConfig withRelayPid(final long pid) {
        return new LoadConfig(ng, calls, ratePps, payloadBytes, warmupMs, durationMs, drainMs, pid, threads,
            socketsPerLoop, tickUs, sendBatch, setupRate, address, direct, callIdPrefix);
    }

    /**
     * @param warmup   warm-up milliseconds.
     * @param duration measured milliseconds.
     * @return the same run with other times.
     */
    public LoadConfig withTimes(final long warmup, final long duration) {
        return new LoadConfig(ng, calls, ratePps, payloadBytes, warmup, duration, drainMs, relayPid, threads,
            socketsPerLoop, tickUs, sendBatch, setupRate, address, direct, callIdPrefix);
    }

    /** @return RTP streams in the run. */
    public int streams() {
        return calls * 2;
    }

    /** @return endpoint sockets of one loop. */
    public int effectiveSocketsPerLoop() {
        if (socketsPerLoop != 0) {
            return socketsPerLoop;
        }
        final int callsPerLoop = (calls + threads - 1) / threads;
        return callsPerLoop * 2;
    }

    /** @return the command line's help. */
    public static String usage() {
        return """
            usage: scripts/loadgen.sh --ng HOST:PORT [options]     (or --direct, without a relay)
              --calls N          calls to set up with offer/answer (default 100)
              --rate PPS         packets per second per stream, both directions of every call (default 50)
              --payload BYTES    RTP payload size (default 160)
              --warmup S         seconds of media before the measured window (default 2)
              --duration S       seconds measured (default 10)
              --drain MS         wait for packets in flight after the window (default 1000)
              --relay-pid PID    the relay's pid: CPU per forwarded packet and RSS from /proc
              --threads N        generator event loops (default 1)
              --sockets N        endpoint sockets per loop, shared by the calls (default 2; 0 = one per endpoint)
              --tick-us US       pacing tick (default 1000)
              --send-batch N     packets per sendmmsg (default 16)
              --setup-rate N     offer+answer pairs per second (default 0: as fast as answered)
              --address IP       loopback address of the endpoints (default 127.0.0.1)
              --call-id-prefix S call-ids are S-0, S-1, ...
            """;
    }

    /**
     * Parses the command line ({@code --key value} or {@code --key=value}).
     *
     * @param args the arguments.
     * @return the configuration.
     * @throws IllegalArgumentException when an argument is unknown or out of range.
     */
    public static LoadConfig parse(final String... args) {
        InetSocketAddress ng = null;
        int calls = 100;
        int rate = 50;
        int payload = 160;
        double warmup = 2;
        double duration = 10;
        long drain = 1_000;
        long pid = 0;
        int threads = 1;
        int sockets = 2;
        int tick = 1_000;
        int batch = 16;
        int setupRate = 0;
        InetAddress address = InetAddress.getLoopbackAddress();
        boolean direct = false;
        String prefix = "load-" + Long.toHexString(System.currentTimeMillis());
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            String value = null;
            final int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (key.equals("--direct")) {
                direct = true;
                continue;
            }
            if (key.equals("--help") || key.equals("-h")) {
                throw new IllegalArgumentException("help");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(key + " needs a value");
                }
                value = args[++i];
            }
            switch (key.toLowerCase(Locale.ROOT)) {
                case "--ng" -> ng = socketAddress(value);
                case "--calls" -> calls = Integer.parseInt(value);
                case "--rate" -> rate = Integer.parseInt(value);
                case "--payload" -> payload = Integer.parseInt(value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--duration" -> duration = Double.parseDouble(value);
                case "--drain" -> drain = Long.parseLong(value);
                case "--relay-pid" -> pid = Long.parseLong(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--sockets" -> sockets = Integer.parseInt(value);
                case "--tick-us" -> tick = Integer.parseInt(value);
                case "--send-batch" -> batch = Integer.parseInt(value);
                case "--setup-rate" -> setupRate = Integer.parseInt(value);
                case "--address" -> address = inet(value);
                case "--call-id-prefix" -> prefix = value;
                default -> throw new IllegalArgumentException("unknown option " + key);
            }
        }
        return new LoadConfig(ng, calls, rate, payload, Math.round(warmup * 1_000), Math.round(duration * 1_000),
            drain, pid, threads, sockets, tick, batch, setupRate, address, direct, prefix);
    }

    private static InetSocketAddress socketAddress(final String value) {
        final int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT: " + value);
        }
        final String host = value.startsWith("[") ? value.substring(1, colon - 1) : value.substring(0, colon);
        return new InetSocketAddress(inet(host), Integer.parseInt(value.substring(colon + 1)));
    }

    private static InetAddress inet(final String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + literal, e);
        }
    }
}
