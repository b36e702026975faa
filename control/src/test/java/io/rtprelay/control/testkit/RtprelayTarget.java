package io.rtprelay.control.testkit;

import io.rtprelay.control.config.ConfigException;
import io.rtprelay.control.config.RelayConfig;
import io.rtprelay.control.lifecycle.RelayDaemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Our relay, started inside the test's JVM from rtpengine-style options exactly as {@code bin/rtprelay} starts it,
 * on loopback with an ng port and a media range of its own.
 */
public final class RtprelayTarget implements NgTarget {
    private final RelayDaemon daemon;

    private RtprelayTarget(final RelayDaemon daemon) {
        this.daemon = daemon;
    }

    /**
     * @param extraArgs further options, e.g. {@code --max-sessions=1}; they override the defaults given here.
     * @return the running relay.
     */
    public static RtprelayTarget start(final String... extraArgs) {
        final int portMin = FreePorts.mediaRange(200);
        final List<String> args = new ArrayList<>(List.of(
            "--interface=127.0.0.1", "--interface=::1",
            "--listen-ng=127.0.0.1:" + FreePorts.udp(),
            "--port-min=" + portMin, "--port-max=" + (portMin + 199),
            "--num-threads=2"));
        args.addAll(List.of(extraArgs));
        try {
            return new RtprelayTarget(RelayDaemon.start(RelayConfig.parse(args.toArray(String[]::new))));
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InetSocketAddress ngAddress() {
        return daemon.ngAddresses().get(0);
    }

    /** @return the daemon, for what a test checks inside (the port pool, counters). */
    public RelayDaemon daemon() {
        return daemon;
    }

    /**
     * Stops the relay, and fails the test that used it if the relay hit an internal error on the way, even when
     * the test's own assertions passed: a swallowed exception is a bug.
     */
    @Override
    public void close() {
        final long internalErrors = daemon.ngAdapter().internalErrors();
        daemon.close();
        if (internalErrors != 0) {
            throw new AssertionError("the relay answered " + internalErrors + " ng requests with an internal error");
        }
    }
}
