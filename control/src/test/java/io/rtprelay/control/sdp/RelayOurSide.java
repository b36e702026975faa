package io.rtprelay.control.sdp;

import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtprelayTarget;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Our side as it really runs: the relay daemon, driven over ng exactly as the reference is.
 */
final class RelayOurSide implements OurSide {
    private final RtprelayTarget relay = RtprelayTarget.start();
    private final NgClient ng = new NgClient(relay.ngAddress());

    @Override
    public String offer(final Map<String, Object> ngRequest) {
        return sdpOf(ng.call(ngRequest));
    }

    @Override
    public String answer(final Map<String, Object> ngRequest) {
        return sdpOf(ng.call(ngRequest));
    }

    @Override
    public void delete(final Map<String, Object> ngRequest) {
        final Map<String, Object> reply = ng.call(ngRequest);
        assertEquals("ok", reply.get("result"), () -> "our relay replied " + reply);
    }

    private static String sdpOf(final Map<String, Object> reply) {
        assertEquals("ok", reply.get("result"), () -> "our relay replied " + reply);
        return (String)reply.get("sdp");
    }

    @Override
    public void close() {
        ng.close();
        relay.close();
    }
}
