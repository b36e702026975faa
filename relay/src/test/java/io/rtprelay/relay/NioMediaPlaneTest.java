package io.rtprelay.relay;

import io.rtprelay.relay.transport.Transports;

/** The media plane suite on the nio transport. */
class NioMediaPlaneTest extends AbstractMediaPlaneTest {
    @Override
    String transport() {
        return Transports.NIO;
    }
}
