package io.rtprelay.srtp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@link SrtpFuzzTest}'s seeds: per profile, an SRTP and an SRTCP packet protected by our SrtpContext with
 * the target's keys (to unprotect), with and without MKI, and plain RTP and RTCP packets (for the round trip).
 * Run from the repository root: {@code java -cp srtp/target/classes:srtp/target/test-classes
 * io.rtprelay.srtp.SrtpFuzzSeeds srtp/src/test/resources/io/rtprelay/srtp/SrtpFuzzTestInputs/<method>}.
 */
final class SrtpFuzzSeeds {
    private SrtpFuzzSeeds() {
    }

    public static void main(final String[] args) throws IOException {
        final Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        final SrtpProfile[] profiles = SrtpProfile.values();
        for (int p = 0; p < profiles.length; p++) {
            for (final int flags : new int[] {0x00, 0x08 | 0x10}) {
                write(dir, profiles[p], p, flags, Packets.rtp(1, 0x12345678, 160, 2, 1), "rtp");
                write(dir, profiles[p], p, flags | 0x20, Packets.rtcp(0x12345678, p), "rtcp");
            }
            final byte[] rtp = Packets.rtp(7, 0xcafe, 20);
            Files.write(dir.resolve(profiles[p] + "-rtp-round-trip"), concat(new byte[] {(byte)p, 0x40, 0x23}, rtp));
            Files.write(dir.resolve(profiles[p] + "-rtcp-round-trip"),
                concat(new byte[] {(byte)p, 0x60, 0x01}, Packets.rtcp(0xcafe, 3)));
        }
    }

    private static void write(final Path dir, final SrtpProfile profile, final int index, final int flags,
        final byte[] plain, final String kind) throws IOException {
        final byte[] header = {(byte)index, (byte)flags, 0};
        final SrtpContext sender = SrtpContext.create(SrtpFuzzTest.policy(header));
        final ByteBuffer buf = ByteBuffer.allocate(plain.length + 64);
        buf.put(0, plain);
        final int length = (flags & 0x20) != 0 ? sender.protectRtcp(buf, 0, plain.length)
            : sender.protectRtp(buf, 0, plain.length);
        if (length < 0) {
            throw new IllegalStateException(profile + ": " + SrtpStatus.name(length));
        }
        final byte[] packet = new byte[length];
        buf.get(0, packet);
        Files.write(dir.resolve(profile + "-" + kind + ((flags & 0x18) != 0 ? "-mki" : "")), concat(header, packet));
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
