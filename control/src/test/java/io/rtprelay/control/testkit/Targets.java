package io.rtprelay.control.testkit;

/**
 * The one place that says which relay the system tests drive: ours. The system tests were first proven against
 * the real rtpengine by returning {@link RtpengineDaemon#start(String...)} here; they assert only its contract.
 */
public final class Targets {
    private Targets() {
    }

    /**
     * @param extraArgs rtpengine-style command-line options, e.g. {@code --max-sessions=1}.
     * @return the relay under test, started, its ng port answering.
     */
    public static NgTarget relayUnderTest(final String... extraArgs) {
        return RtprelayTarget.start(extraArgs);
    }
}
