package io.rtprelay.relay;

import io.rtprelay.relay.transport.Transports;

/** The SRTP forwarding suite on the nio transport. */
class NioSrtpForwardingTest extends AbstractSrtpForwardingTest {
    @Override
    String transport() {
        return Transports.NIO;
    }
}
