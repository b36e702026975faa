package io.rtprelay.relay.forward;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rtprelay.relay.stream.LatchMode;
import io.rtprelay.relay.stream.MediaControl;
import io.rtprelay.relay.stream.Stream;
import io.rtprelay.relay.stream.StreamProxy;
import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Coverage-guided fuzzing of the packet path (docs/FUZZING.md): {@link Forwarder#onPacket} on a pair of streams on
 * Netty's embedded channels, as the loopback suites wire them, every header read on the way (the RTCP-in-RTP type
 * check, SRTP/SRTCP unprotect and protect, latching). The input's first byte configures the pair: SRTP from A,
 * SRTP towards B, SRTP from B, the latch mode, RTP or RTCP streams, blocking B (and block/silence/DTMF controls
 * on A, spelled by bits 1-3), whether A's endpoint is known from
 * SDP; then each packet is a length byte, a source byte (direction; which of three sources sent it: A, A from
 * another port, a stranger; the buffer it arrives in) and its bytes. Every packet is forwarded or dropped, never
 * throws; the counters add up (received = relayed + dropped), what was written is what was relayed, and every
 * buffer is released.
 * Seeds: RTP and RTCP exchanges and RTCP multiplexed on RTP, in {@code ForwarderFuzzTestInputs/}.
 */
class ForwarderFuzzTest {
    private static final InetSocketAddress PHONE_A = new InetSocketAddress("127.0.0.1", 4000);
    private static final InetSocketAddress PHONE_A_MOVED = new InetSocketAddress("127.0.0.1", 4002);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("192.0.2.66", 4000);
    private static final InetSocketAddress PHONE_B = new InetSocketAddress("127.0.0.1", 5000);
    private static final LatchMode[] MODES = LatchMode.values();
    /** Raw buffers: reference counts are checked here, without the leak detector's wrappers. */
    private static final UnpooledByteBufAllocator RAW = new UnpooledByteBufAllocator(true, true);
    private static final byte[] KEY = new byte[16];
    private static final byte[] SALT = new byte[14];

    @FuzzTest
    void everyPacketIsForwardedOrDroppedAndEveryBufferReleased(final byte[] input) {
        if (input.length < 1) {
            return;
        }
        final int config = input[0] & 0xFF;
        final EmbeddedChannel channelA = new EmbeddedChannel();
        final EmbeddedChannel channelB = new EmbeddedChannel();
        final Forwarder forwarder = new Forwarder(new ForwarderCounters());
        final List<ByteBuf> received = new ArrayList<>();
        try {
            final boolean rtcp = (config & 0x20) != 0;
            final Stream fromA = new Stream(channelA, channelB.eventLoop(), 30_000, rtcp);
            final Stream fromB = new Stream(channelB, channelB.eventLoop(), 30_002, rtcp);
            final LatchMode mode = MODES[(config >> 3 & 3) % MODES.length];
            new StreamProxy(fromA).bind((config & 0x80) != 0 ? null : PHONE_A, mode, fromB);
            new StreamProxy(fromB).bind(PHONE_B, mode, fromA);
            new StreamProxy(fromA).crypto((config & 1) != 0 ? srtp() : null, (config & 4) != 0 ? srtp() : null);
            new StreamProxy(fromB).crypto((config & 4) != 0 ? srtp() : null, (config & 2) != 0 ? srtp() : null);
            if ((config & 0x40) != 0) {
                new StreamProxy(fromB).block(true);
                // block media, silence media and block DTMF on A's media, in whichever combination bits 1-3 spell
                new StreamProxy(fromA).mediaControl(MediaControl.builder().map(101, "telephone-event")
                    .map(96, "PCMA").build(config >> 1 & 7));
            }
            channelB.runPendingTasks();
            int at = 1;
            long nowNs = 1;
            int packets = 0;
            while (at + 2 <= input.length) {
                final int length = Math.min(input[at] & 0xFF, input.length - at - 2);
                final int source = input[at + 1] & 0xFF;
                final ByteBuf buf = received(input, at + 2, length, source, received);
                at += 2 + length;
                packets++;
                final boolean towardsB = (source & 1) == 0;
                forwarder.onPacket(towardsB ? fromA : fromB, buf, towardsB ? source(source) : PHONE_B, nowNs++);
            }
            channelA.flush();
            channelB.flush();
            final ForwarderCounters c = forwarder.counters();
            assertEquals(packets, c.packetsReceived());
            assertEquals(c.packetsReceived(), c.packetsRelayed() + c.drops(), "a packet neither relayed nor dropped");
            assertEquals(c.packetsRelayed(), releaseWritten(channelA) + releaseWritten(channelB));
            for (final ByteBuf buf : received) {
                assertEquals(0, buf.refCnt(), "a received buffer was neither sent nor released");
            }
        } finally {
            channelA.finishAndReleaseAll();
            channelB.finishAndReleaseAll();
        }
    }

    /**
     * A received packet as the transports hand it over: in a 2048-byte buffer (NIO, io_uring), in a buffer it fills
     * (source bit 7: no tailroom, the copying path), or as epoll's slice of its receive buffer (bit 6).
     */
    private static ByteBuf received(final byte[] input, final int off, final int length, final int source,
        final List<ByteBuf> track) {
        if ((source & 0x40) != 0) {
            final ByteBuf parent = RAW.directBuffer(2048).writeBytes(input, off, length);
            final ByteBuf slice = parent.retainedSlice(0, length);
            parent.release(); // as epoll releases its receive buffer once the pipeline returns
            track.add(parent);
            return slice;
        }
        final ByteBuf buf = RAW.directBuffer((source & 0x80) != 0 ? length : 2048).writeBytes(input, off, length);
        track.add(buf);
        return buf;
    }

    private static InetSocketAddress source(final int b) {
        return switch ((b >> 1) % 3) {
            case 0 -> PHONE_A;
            case 1 -> PHONE_A_MOVED;
            default -> STRANGER;
        };
    }

    private static SrtpContext srtp() {
        return SrtpContext.create(SrtpPolicy.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, KEY, SALT));
    }

    private static int releaseWritten(final EmbeddedChannel channel) {
        int n = 0;
        for (AddressedEnvelope<ByteBuf, InetSocketAddress> sent = channel.readOutbound(); sent != null;
             sent = channel.readOutbound()) {
            assertNotNull(sent.recipient());
            sent.release();
            n++;
        }
        return n;
    }
}
