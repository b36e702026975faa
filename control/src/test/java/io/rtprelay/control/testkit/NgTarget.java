package io.rtprelay.control.testkit;

import java.net.InetSocketAddress;

/**
 * An ng-controlled relay a system test drives: ours or the real rtpengine, started by the test.
 */
public interface NgTarget extends AutoCloseable {
    /** @return where it listens for ng commands. */
    InetSocketAddress ngAddress();

    /** @return the IPv4 media address it advertises in SDP. */
    default String mediaAddress() {
        return "127.0.0.1";
    }

    @Override
    void close();
}
