package io.rtprelay.relay;

import io.rtprelay.relay.transport.Transports;

/** The SRTP forwarding suite on the io_uring transport. */
class IoUringSrtpForwardingTest extends AbstractSrtpForwardingTest {
    @Override
    String transport() {
        return Transports.IO_URING;
    }
}
