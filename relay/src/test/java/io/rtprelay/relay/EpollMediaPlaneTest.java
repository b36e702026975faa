package io.rtprelay.relay;

import io.rtprelay.relay.transport.Transports;

/** The media plane suite on the epoll transport. */
class EpollMediaPlaneTest extends AbstractMediaPlaneTest {
    @Override
    String transport() {
        return Transports.EPOLL;
    }
}
