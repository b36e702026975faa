package io.rtprelay.control.testkit;

/**
 * The one place that says which relay the system tests drive. Until the relay daemon is wired up this is the
 * real rtpengine, so the tests themselves are proven against the reference first.
 */
public final class Targets {
    private Targets() {
    }

    /**
     * @param extraArgs rtpengine-style command-line options, e.g. {@code --max-sessions=1}.
     * @return the relay under test, started, its ng port answering.
     */
    public static NgTarget relayUnderTest(final String... extraArgs) {
        return RtpengineDaemon.start(extraArgs);
    }
}
