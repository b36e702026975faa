package io.rtprelay.relay.stream;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Latching decisions and SDP changes, on Netty's embedded channel and loop (the test thread is the loop). */
class StreamTest {
    private static final InetSocketAddress SDP = new InetSocketAddress("127.0.0.1", 4000);
    private static final InetSocketAddress NAT = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress MOVED = new InetSocketAddress("127.0.0.1", 5002);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Stream stream = new Stream(channel, channel.eventLoop(), 30_000, false);
    private final StreamProxy proxy = new StreamProxy(stream);

    private void run() {
        channel.runPendingTasks();
    }

    @Test
    void anUnknownSdpEndpointIsNull() {
        assertNull(Stream.known(null));
        assertNull(Stream.known(new InetSocketAddress("0.0.0.0", 4000)));
        assertNull(Stream.known(new InetSocketAddress("::", 4000)));
        assertNull(Stream.known(new InetSocketAddress("127.0.0.1", 0)));
        assertEquals(SDP, Stream.known(SDP));
    }

    @Test
    void sendsToTheSdpEndpointUntilAPacketIsLatched() {
        proxy.configure(SDP, LatchMode.LATCH);
        run();
        assertEquals(SDP, stream.endpoint());
        assertTrue(stream.onReceive(NAT, 100, 1));
        assertEquals(NAT, stream.endpoint());
        assertEquals(0, stream.relatches());
        assertTrue(stream.onReceive(MOVED, 100, 2));
        assertEquals(MOVED, stream.endpoint());
        assertEquals(1, stream.relatches());
        assertEquals(2, stream.packetsIn());
        assertEquals(1, stream.firstPacketNs());
        assertEquals(2, stream.lastPacketNs());
    }

    @Test
    void holdKeepsTheLearnedEndpointAndANewSdpEndpointForgetsIt() {
        proxy.configure(SDP, LatchMode.LATCH);
        run();
        stream.onReceive(NAT, 100, 1);
        proxy.configure(new InetSocketAddress("0.0.0.0", 4000), LatchMode.LATCH);
        proxy.configure(SDP, LatchMode.LATCH);
        run();
        assertEquals(NAT, stream.endpoint(), "hold and resume at the same address keep the latch");
        final InetSocketAddress mediaServer = new InetSocketAddress("127.0.0.1", 6000);
        proxy.configure(mediaServer, LatchMode.LATCH);
        run();
        assertEquals(mediaServer, stream.endpoint(), "a re-INVITE to another address is learned anew");
        assertNull(stream.learnedEndpoint());
    }

    @Test
    void strictSourceRefusesAnotherSourceAfterTheFirst() {
        proxy.configure(SDP, LatchMode.STRICT_SOURCE);
        run();
        assertTrue(stream.onReceive(NAT, 100, 1));
        assertFalse(stream.onReceive(MOVED, 100, 2));
        assertEquals(NAT, stream.endpoint());
        assertEquals(1, stream.packetsIn());
    }

    @Test
    void asymmetricNeverLearns() {
        proxy.configure(SDP, LatchMode.ASYMMETRIC);
        run();
        assertTrue(stream.onReceive(NAT, 100, 1));
        assertTrue(stream.onReceive(MOVED, 100, 2));
        assertEquals(SDP, stream.endpoint());
        assertNull(stream.learnedEndpoint());
    }

    @Test
    void aPeerOnAnotherLoopIsRefused() {
        final EmbeddedChannel other = new EmbeddedChannel();
        final Stream foreign = new Stream(other, other.eventLoop(), 30_002, false);
        assertThrows(IllegalArgumentException.class, () -> proxy.peer(foreign));
        assertThrows(IllegalArgumentException.class,
            () -> proxy.configure(InetSocketAddress.createUnresolved("phone.example", 4000), LatchMode.LATCH));
    }
}
