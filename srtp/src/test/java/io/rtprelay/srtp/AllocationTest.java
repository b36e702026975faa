package io.rtprelay.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No allocation per packet: the bytes this thread allocates over thousands of protect/unprotect calls on a direct
 * buffer, as the relay makes them, once warm. (JMH's {@code -prof gc} in bench/ measures the same per operation.)
 */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AES_CM_128_HMAC_SHA1_80", "F8_128_HMAC_SHA1_80",
        "AEAD_AES_256_GCM"})
    void protectAndUnprotectAllocateNothingPerPacket(final SrtpProfile profile) {
        // with an MKI, so that its writing and checking are measured too
        final SrtpPolicy policy = SrtpPolicy.random(profile, new SecureRandom()).withMki(3, 2);
        final SrtpContext sender = SrtpContext.create(policy);
        final SrtpContext receiver = SrtpContext.create(policy);
        final ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        final byte[] rtp = Packets.rtp(0, 0x1234, 160);
        final byte[] rtcp = Packets.rtcp(0x1234, 1);
        final long tid = Thread.currentThread().threadId();
        // Until the JIT has compiled the path, the interpreter allocates what compiled code does not; a per-packet
        // allocation shows in every round, so one clean round of 10,000 packets (and 2,500 RTCP) is the proof.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 20 && allocated >= 1_000; round++) {
            final long before = THREADS.getThreadAllocatedBytes(tid);
            run(sender, receiver, buf, rtp, rtcp, round * 10_000, 10_000);
            allocated = THREADS.getThreadAllocatedBytes(tid) - before;
        }
        assertTrue(allocated < 1_000, allocated + " bytes allocated over 10,000 packets");
        assertEquals(0, sender.failuresTotal() + receiver.failuresTotal());
    }

    private static void run(final SrtpContext sender, final SrtpContext receiver, final ByteBuffer buf,
                            final byte[] rtp, final byte[] rtcp, final int from, final int count) {
        for (int i = from; i < from + count; i++) {
            buf.put(0, rtp);
            buf.putShort(2, (short) i);
            final int length = sender.protectRtp(buf, 0, rtp.length);
            if (receiver.unprotectRtp(buf, 0, length) != rtp.length) {
                throw new AssertionError("packet " + i);
            }
            if ((i & 3) == 0) {
                buf.put(0, rtcp);
                final int n = sender.protectRtcp(buf, 0, rtcp.length);
                if (receiver.unprotectRtcp(buf, 0, n) != rtcp.length) {
                    throw new AssertionError("rtcp " + i);
                }
            }
        }
    }
}
