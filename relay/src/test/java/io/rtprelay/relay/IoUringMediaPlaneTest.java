package io.rtprelay.relay;

import io.rtprelay.relay.transport.Transports;

/** The media plane suite on the io_uring transport. */
class IoUringMediaPlaneTest extends AbstractMediaPlaneTest {
    @Override
    String transport() {
        return Transports.IO_URING;
    }
}
