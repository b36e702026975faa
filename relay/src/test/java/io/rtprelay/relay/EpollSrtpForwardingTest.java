package io.rtprelay.relay;

import io.rtprelay.relay.transport.Transports;

/** The SRTP forwarding suite on the epoll transport. */
class EpollSrtpForwardingTest extends AbstractSrtpForwardingTest {
    @Override
    String transport() {
        return Transports.EPOLL;
    }
}
