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
    void sendsToTheSdpEndpointUntilAPacketIsLatchedAndMovesOnlyOnMediaHandover() {
        proxy.configure(SDP, LatchMode.HANDOVER);
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

    private static final long S = 1_000_000_000L;
    private static final InetSocketAddress THIRD = new InetSocketAddress("127.0.0.1", 6666);

    private void signalled(final EndpointLearning learning, final LatchMode mode, final long atNs) {
        proxy.configure(SDP, mode);
        proxy.signal(learning, atNs);
        run();
    }

    @Test
    void theDefaultNeverLetsAThirdPartyMoveTheEndpointAfterTheWindow() {
        signalled(EndpointLearning.DELAYED, LatchMode.LATCH, 0);
        assertTrue(stream.onReceive(SDP, 100, 1));
        assertTrue(stream.onReceive(SDP, 100, 4 * S), "commits after the window");
        assertTrue(stream.onReceive(THIRD, 100, 5 * S), "forwarded, as rtpengine forwards it");
        assertEquals(SDP, stream.endpoint(), "but the endpoint stays");
        assertEquals(1, stream.takeoversRefused());
        assertEquals(0, stream.relatches());
    }

    @Test
    void inTheWindowOnlyASourceThatMatchesTheSdpAsWellMayMoveTheEndpoint() {
        signalled(EndpointLearning.DELAYED, LatchMode.LATCH, 0);
        assertTrue(stream.onReceive(SDP, 100, 1));
        assertTrue(stream.onReceive(THIRD, 100, 2), "same address, other port: ranks lower than the SDP's own");
        assertEquals(SDP, stream.endpoint());
        assertEquals(1, stream.takeoversRefused());
        assertTrue(stream.onReceive(THIRD, 100, 4 * S), "the first packet after the window does not commit to it");
        assertEquals(SDP, stream.endpoint());
    }

    @Test
    void aNatedPartyIsLearnedInTheWindowAndKeptAfterIt() {
        signalled(EndpointLearning.DELAYED, LatchMode.STRICT_SOURCE, 0);
        assertTrue(stream.onReceive(MOVED, 100, 1), "no source matches: the first is learned");
        assertTrue(stream.onReceive(NAT, 100, 2), "in the window an equal rank moves it, as on rtpengine");
        assertEquals(NAT, stream.endpoint());
        assertTrue(stream.onReceive(NAT, 100, 4 * S));
        assertFalse(stream.onReceive(MOVED, 100, 5 * S), "strict-source drops it after the window");
        assertEquals(NAT, stream.endpoint());
    }

    @Test
    void aNewSignalReopensTheWindowButKeepsWhatWasLearned() {
        signalled(EndpointLearning.DELAYED, LatchMode.STRICT_SOURCE, 0);
        stream.onReceive(SDP, 100, 4 * S);
        proxy.signal(EndpointLearning.DELAYED, 10 * S);
        run();
        assertTrue(stream.onReceive(THIRD, 100, 10 * S + 1), "in the window: forwarded");
        assertEquals(SDP, stream.endpoint(), "but it ranks lower: the endpoint stays");
        assertFalse(stream.onReceive(THIRD, 100, 14 * S));
    }

    @Test
    void immediateCommitsToTheFirstSource() {
        signalled(EndpointLearning.IMMEDIATE, LatchMode.STRICT_SOURCE, 0);
        assertTrue(stream.onReceive(NAT, 100, 1));
        assertFalse(stream.onReceive(SDP, 100, 2));
        assertEquals(NAT, stream.endpoint());
    }

    @Test
    void offNeverLearnsAndStrictSourceComparesWithTheSdpEndpoint() {
        signalled(EndpointLearning.OFF, LatchMode.STRICT_SOURCE, 0);
        assertFalse(stream.onReceive(NAT, 100, 1));
        assertTrue(stream.onReceive(SDP, 100, 2));
        assertEquals(SDP, stream.endpoint());
        assertNull(stream.learnedEndpoint());
    }

    @Test
    void heuristicHandoverMovesOnlyToASourceThatRanksAsWell() {
        signalled(EndpointLearning.HEURISTIC, LatchMode.HANDOVER, 0);
        stream.onReceive(SDP, 100, 4 * S);
        assertTrue(stream.onReceive(THIRD, 100, 5 * S));
        assertEquals(SDP, stream.endpoint());
        signalled(EndpointLearning.DELAYED, LatchMode.HANDOVER, 6 * S);
        stream.onReceive(SDP, 100, 10 * S);
        stream.onReceive(THIRD, 100, 11 * S);
        assertEquals(THIRD, stream.endpoint(), "media-handover under delayed follows any source, as rtpengine");
    }

    @Test
    void ssrcLearningLetsOnlyTheContinuedStreamMove() {
        signalled(EndpointLearning.IMMEDIATE, LatchMode.SSRC_HANDOVER, 0);
        assertEquals(Stream.ACCEPTED, stream.onReceive(NAT, 100, 1, 0x1234, 65_530, false));
        assertEquals(Stream.TAKEOVER_REFUSED, stream.onReceive(THIRD, 100, 2, 0x9999, 65_531, false),
            "another SSRC");
        assertEquals(Stream.TAKEOVER_REFUSED, stream.onReceive(THIRD, 100, 3, 0x1234, 65_530 + 100, false),
            "the SSRC, but the sequence far ahead");
        assertEquals(Stream.TAKEOVER_REFUSED, stream.onReceive(THIRD, 100, 3, 0x1234, 65_530, false),
            "the SSRC, but the sequence repeated");
        assertEquals(NAT, stream.endpoint());
        assertEquals(Stream.ACCEPTED, stream.onReceive(MOVED, 100, 4, 0x1234, 2, false),
            "the NAT rebound: the same SSRC, the sequence on across the wrap");
        assertEquals(MOVED, stream.endpoint());
        assertEquals(1, stream.relatches());
        assertEquals(3, stream.takeoversRefused());
        assertEquals(Stream.ACCEPTED, stream.onReceive(NAT, 100, 5, 0x7777, 9, true),
            "an authenticated SRTP packet may move it");
        assertEquals(NAT, stream.endpoint());
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
