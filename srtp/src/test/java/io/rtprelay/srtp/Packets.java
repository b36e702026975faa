package io.rtprelay.srtp;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Builds RTP and RTCP packets for the tests. */
final class Packets {
    private Packets() {
    }

    /**
     * @return an RTP packet: V=2, PT 0, the sequence number, timestamp seq*160, the SSRC, a payload of
     *         {@code payload} bytes derived from seq; {@code csrcs} CSRCs and an extension of {@code extWords} words
     *         when {@code extWords >= 0}.
     */
    static byte[] rtp(final int seq, final int ssrc, final int payload, final int csrcs, final int extWords) {
        final int header = 12 + 4 * csrcs + (extWords >= 0 ? 4 + 4 * extWords : 0);
        final ByteBuffer b = ByteBuffer.allocate(header + payload);
        b.put((byte) (0x80 | (extWords >= 0 ? 0x10 : 0) | csrcs)).put((byte) 0).putShort((short) seq)
            .putInt(seq * 160).putInt(ssrc);
        for (int i = 0; i < csrcs; i++) {
            b.putInt(0x1000 + i);
        }
        if (extWords >= 0) {
            b.putShort((short) 0xbede).putShort((short) extWords);
            for (int i = 0; i < extWords; i++) {
                b.putInt(0x22334455 + i);
            }
        }
        final SplittableRandom random = new SplittableRandom(seq * 31L + ssrc);
        while (b.hasRemaining()) {
            b.put((byte) random.nextInt(256));
        }
        return b.array();
    }

    static byte[] rtp(final int seq, final int ssrc, final int payload) {
        return rtp(seq, ssrc, payload, 0, -1);
    }

    /** @return an RTCP receiver report (PT 201) from the SSRC with one report block, padded out to the length. */
    static byte[] rtcp(final int ssrc, final int salt) {
        final ByteBuffer b = ByteBuffer.allocate(32);
        b.put((byte) 0x81).put((byte) 201).putShort((short) 7).putInt(ssrc);
        b.putInt(0x0badcafe).putInt(salt).putInt(0x11223344).putInt(0x55667788).putInt(salt * 3).putInt(0x10203);
        return b.array();
    }

    /** @return a direct buffer of {@code capacity} holding {@code packet} at {@code offset}. */
    static ByteBuffer direct(final byte[] packet, final int offset, final int capacity) {
        final ByteBuffer b = ByteBuffer.allocateDirect(capacity);
        b.put(offset, packet);
        return b;
    }

    static byte[] bytes(final ByteBuffer b, final int offset, final int length) {
        final byte[] out = new byte[length];
        b.get(offset, out);
        return out;
    }
}
