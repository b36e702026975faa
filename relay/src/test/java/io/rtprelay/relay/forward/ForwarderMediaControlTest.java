package io.rtprelay.relay.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rtprelay.relay.stream.MediaControl;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code block media}, {@code silence media} and {@code block DTMF} do to one RTP packet on the packet path
 * ({@link Forwarder#onMediaControlSlowPath}): the rules rtpengine 10.5 was seen to follow on the wire (the
 * differential test drives both daemons with real sockets; this one pins the header arithmetic of RFC 3550 §5.1).
 */
class ForwarderMediaControlTest {
    private static final int PCMU = 0;
    private static final int G729 = 18;
    private static final int DYNAMIC_PCMA = 96;
    private static final int TELEPHONE_EVENT = 101;

    private static MediaControl control(final int actions) {
        return MediaControl.builder().map(DYNAMIC_PCMA, "PCMA").map(TELEPHONE_EVENT, "telephone-event")
            .build(actions);
    }

    /** An RTP packet: V=2, the given first-byte flags and CSRC count, payload type, then the payload bytes. */
    private static byte[] rtp(final int firstByteFlags, final int payloadType, final byte[] afterHeader) {
        final byte[] packet = new byte[12 + afterHeader.length];
        packet[0] = (byte)(0x80 | firstByteFlags);
        packet[1] = (byte)payloadType;
        packet[3] = 7;
        packet[11] = 42;
        System.arraycopy(afterHeader, 0, packet, 12, afterHeader.length);
        return packet;
    }

    private static byte[] filled(final int length, final int value) {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    private static DropReason run(final MediaControl control, final byte[] packet) {
        final ByteBuf buf = Unpooled.wrappedBuffer(packet);
        try {
            return Forwarder.onMediaControlSlowPath(control, buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void silenceOverwritesAPcmuPayloadWithFfAndADynamicPcmaOneWithD5() {
        final byte[] pcmu = rtp(0, PCMU, filled(160, 0x11));
        assertNull(run(control(MediaControl.SILENCE_MEDIA), pcmu));
        assertArrayEquals(rtp(0, PCMU, filled(160, 0xFF)), pcmu);
        final byte[] pcma = rtp(0, DYNAMIC_PCMA, filled(80, 0x11));
        assertNull(run(control(MediaControl.SILENCE_MEDIA), pcma));
        assertArrayEquals(rtp(0, DYNAMIC_PCMA, filled(80, 0xD5)), pcma);
    }

    @Test
    void silenceLeavesCsrcsTheHeaderExtensionAndPaddingAlone() {
        // CC=1: one CSRC; X: a one-word extension; P: two bytes of padding, the last one counting them
        final byte[] after = new byte[4 + 8 + 6 + 2];
        after[3] = 9;
        after[4] = (byte)0xBE;
        after[5] = (byte)0xDE;
        after[7] = 1;
        after[11] = 5;
        Arrays.fill(after, 12, 18, (byte)0x11);
        after[19] = 2;
        final byte[] packet = rtp(0x20 | 0x10 | 0x01, PCMU, after);
        final byte[] expected = packet.clone();
        Arrays.fill(expected, 24, 30, (byte)0xFF);
        assertNull(run(control(MediaControl.SILENCE_MEDIA), packet));
        assertArrayEquals(expected, packet);
    }

    @Test
    void silencePassesCodecsWithoutASilenceByteAndTelephoneEventsUnchanged() {
        final byte[] g729 = rtp(0, G729, filled(20, 0x11));
        final byte[] event = rtp(0, TELEPHONE_EVENT, new byte[] {1, 0, 0, (byte)160});
        final byte[] g729Before = g729.clone();
        final byte[] eventBefore = event.clone();
        assertNull(run(control(MediaControl.SILENCE_MEDIA), g729));
        assertNull(run(control(MediaControl.SILENCE_MEDIA), event));
        assertArrayEquals(g729Before, g729);
        assertArrayEquals(eventBefore, event);
    }

    @Test
    void blockMediaDropsEverythingButTheNegotiatedTelephoneEvent() {
        assertEquals(DropReason.BLOCKED, run(control(MediaControl.BLOCK_MEDIA), rtp(0, PCMU, filled(160, 1))));
        assertEquals(DropReason.BLOCKED, run(control(MediaControl.BLOCK_MEDIA), rtp(0, G729, filled(20, 1))));
        // 100 is no telephone-event in this SDP, so it is media
        assertEquals(DropReason.BLOCKED, run(control(MediaControl.BLOCK_MEDIA), rtp(0, 100, new byte[4])));
        assertNull(run(control(MediaControl.BLOCK_MEDIA), rtp(0, TELEPHONE_EVENT, new byte[4])));
    }

    @Test
    void blockDtmfDropsOnlyTheNegotiatedTelephoneEvent() {
        final MediaControl control = control(MediaControl.BLOCK_DTMF);
        assertEquals(DropReason.DTMF_BLOCKED, run(control, rtp(0, TELEPHONE_EVENT, new byte[4])));
        assertNull(run(control, rtp(0, 100, new byte[4])));
        assertNull(run(control, rtp(0, PCMU, filled(160, 1))));
    }

    @Test
    void blockWinsOverSilenceAndNonRtpPasses() {
        final MediaControl both = control(MediaControl.BLOCK_MEDIA | MediaControl.SILENCE_MEDIA);
        assertEquals(DropReason.BLOCKED, run(both, rtp(0, PCMU, filled(160, 1))));
        assertNull(run(both, new byte[] {0x16, (byte)0xFE, (byte)0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertNull(run(both, new byte[] {(byte)0x80, 0, 0}));
    }

    @Test
    void theTableFollowsTheSdpsRtpmapsOverTheStaticAssignments() {
        final MediaControl remapped = MediaControl.builder().map(PCMU, "opus").map(TELEPHONE_EVENT, "PCMU")
            .build(MediaControl.SILENCE_MEDIA);
        assertEquals(0, remapped.silence(PCMU));
        assertEquals((byte)0xFF, remapped.silence(TELEPHONE_EVENT));
        assertFalse(remapped.isTelephoneEvent(TELEPHONE_EVENT));
        assertTrue(control(MediaControl.BLOCK_DTMF).isTelephoneEvent(TELEPHONE_EVENT));
        assertTrue(MediaControl.builder().map(127, "telephone-event").build(MediaControl.BLOCK_DTMF)
            .isTelephoneEvent(127));
        assertTrue(MediaControl.builder().map(3, "telephone-event").build(MediaControl.BLOCK_DTMF)
            .isTelephoneEvent(3));
        assertEquals(MediaControl.NONE, MediaControl.builder().build(0));
    }
}
