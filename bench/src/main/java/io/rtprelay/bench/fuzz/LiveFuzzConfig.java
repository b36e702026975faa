package io.rtprelay.bench.fuzz;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * What one live-fuzz run does. Immutable; built by {@link #parse(String...)} from the command line or by a test.
 *
 * @param ng           the relay's ng address (loopback).
 * @param http         the relay's HTTP address ({@code listen-http}), for {@code /metrics}.
 * @param portMin      the relay's media range, first port.
 * @param portMax      the relay's media range, last port.
 * @param ngDatagrams  mutated ng datagrams to send.
 * @param mediaPackets mutated media packets to send.
 * @param mediaRatePps media packets per second at most.
 * @param livePercent  the share of media packets aimed at the live calls' ports, in percent (the rest go anywhere
 *                     in the range).
 * @param plainCalls   live plain RTP calls.
 * @param sdesCalls    live SDES (RTP to SRTP) calls.
 * @param window       ng replies outstanding at most.
 * @param callPool     distinct fuzz call-ids.
 * @param seed         the random seed (a run is reproducible for a seed, up to thread interleaving).
 */
public record LiveFuzzConfig(InetSocketAddress ng, InetSocketAddress http, int portMin, int portMax,
    long ngDatagrams, long mediaPackets, long mediaRatePps, int livePercent, int plainCalls, int sdesCalls,
    int window, int callPool,
    long seed) {

    /** The command line. */
    public static final String USAGE = """
        usage: scripts/livefuzz.sh --ng HOST:PORT --http HOST:PORT --port-min N --port-max N [options]
          --ng HOST:PORT        the relay's ng address (loopback only)
          --http HOST:PORT      the relay's listen-http address (/metrics)
          --port-min, --port-max  the relay's media port range
          --ng-datagrams N      mutated ng datagrams (default 100000)
          --media-packets N     mutated RTP/RTCP/SRTP/garbage packets (default 1000000)
          --media-rate PPS      media packets per second at most (default 40000)
          --live-percent N      share of media packets aimed at the live calls' ports (default 25)
          --plain-calls N       live plain RTP calls (default 3)
          --sdes-calls N        live RTP<->SRTP calls (default 1)
          --window N            ng replies outstanding at most (default 16)
          --call-pool N         distinct fuzz call-ids (default 32)
          --seed N              random seed (default: time)""";

    /** Checks the bounds, and that every address is a loopback one. */
    public LiveFuzzConfig {
        if (ng == null || !ng.getAddress().isLoopbackAddress()
            || (http != null && !http.getAddress().isLoopbackAddress())) {
            throw new IllegalArgumentException("--ng (and --http) must be loopback addresses");
        }
        if (portMin <= 0 || portMax < portMin || portMax > 65_535) {
            throw new IllegalArgumentException("--port-min/--port-max: a range within 1..65535");
        }
        if (ngDatagrams < 0 || mediaPackets < 0 || mediaRatePps < 1 || plainCalls < 0 || sdesCalls < 0
            || plainCalls + sdesCalls < 1 || window < 1 || callPool < 1 || livePercent < 0 || livePercent > 100) {
            throw new IllegalArgumentException("counts must be positive (and at least one live call)");
        }
    }

    /**
     * @param args the command line.
     * @return the run.
     * @throws IllegalArgumentException on a bad or missing option.
     */
    public static LiveFuzzConfig parse(final String... args) {
        InetSocketAddress ng = null;
        InetSocketAddress http = null;
        int portMin = 0;
        int portMax = 0;
        long ngDatagrams = 100_000;
        long media = 1_000_000;
        long rate = 40_000;
        int livePercent = 25;
        int plain = 3;
        int sdes = 1;
        int window = 16;
        int pool = 32;
        long seed = System.nanoTime();
        for (int i = 0; i < args.length; i++) {
            final String key = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + key);
            }
            final String v = args[++i];
            switch (key) {
                case "--ng" -> ng = address(v);
                case "--http" -> http = address(v);
                case "--port-min" -> portMin = Integer.parseInt(v);
                case "--port-max" -> portMax = Integer.parseInt(v);
                case "--ng-datagrams" -> ngDatagrams = Long.parseLong(v);
                case "--media-packets" -> media = Long.parseLong(v);
                case "--media-rate" -> rate = Long.parseLong(v);
                case "--live-percent" -> livePercent = Integer.parseInt(v);
                case "--plain-calls" -> plain = Integer.parseInt(v);
                case "--sdes-calls" -> sdes = Integer.parseInt(v);
                case "--window" -> window = Integer.parseInt(v);
                case "--call-pool" -> pool = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + key);
            }
        }
        return new LiveFuzzConfig(ng, http, portMin, portMax, ngDatagrams, media, rate, livePercent, plain, sdes,
            window, pool, seed);
    }

    private static InetSocketAddress address(final String hostPort) {
        final int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("HOST:PORT expected: " + hostPort);
        }
        final String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + host, e);
        }
    }
}
