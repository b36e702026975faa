package io.rtprelay.bench.jmh;

import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * SRTP protect and unprotect of one RTP packet (12-byte header, 160-byte payload: 20 ms of G.711) per operation,
 * per suite, in a 2048-byte direct buffer as the relay's receive buffers are. Each operation first copies the packet
 * into the buffer (as bench/libsrtp/srtp_bench.c does with memcpy), then transforms it in place. Run with
 * {@code -prof gc}: the allocation per operation must be 0.
 *
 * <p>Unprotect needs a new packet index every time (the replay window rejects repeats), so it cycles through 65535
 * packets protected in advance, seq 1..65535 of ROC 0; at the end of that ring it moves on to the next of
 * {@link #receivers} receiving contexts made in the trial's setup (not in an iteration's, whose allocation
 * {@code -prof gc} would charge to the operations), each already past seq 0, so the measured loop creates nothing.
 * The default lasts for 33 million unprotects per trial (about ten 1-second iterations); a run that exhausts them
 * fails in the iteration's teardown rather than measure the replay path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SrtpBenchmark {
    private static final int RING = 65_535;
    private static final int SSRC = 0x5eed5eed;

    /** The suite, by SDES name. */
    @Param({"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80",
        "AES_256_CM_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"})
    public String suite;

    /** RTP payload bytes. */
    @Param("160")
    public int payload;

    /** Receiving contexts for the unprotect benchmark, 65535 operations each. */
    @Param("512")
    public int receivers;

    private SrtpPolicy policy;
    private SrtpContext sender;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(2048);
    private byte[] rtp;
    private int rtpSeq;

    private byte[][] ring;
    private SrtpContext[] receiving;
    private int receiver;
    private int ringIndex;

    /** Keys, the plain packet, the ring of protected ones and the receiving contexts. */
    @Setup(Level.Trial)
    public void setUp() {
        policy = SrtpPolicy.random(SrtpProfile.ofSdesName(suite), new SecureRandom());
        sender = SrtpContext.create(policy);
        rtp = new byte[12 + payload];
        rtp[0] = (byte) 0x80;
        ByteBuffer.wrap(rtp).putInt(4, 160).putInt(8, SSRC);
        for (int i = 12; i < rtp.length; i++) {
            rtp[i] = (byte) (i * 7);
        }
        final SrtpContext ringSender = SrtpContext.create(policy);
        ring = new byte[RING + 1][];
        final ByteBuffer scratch = ByteBuffer.allocate(2048);
        for (int seq = 0; seq <= RING; seq++) {
            scratch.put(0, rtp).putShort(2, (short) seq);
            final int length = ringSender.protectRtp(scratch, 0, rtp.length);
            ring[seq] = new byte[length];
            scratch.get(0, ring[seq]);
        }
        freshReceivers();
    }

    /** Fresh receiving contexts, each having accepted seq 0, so none is created inside the measurement. */
    private void freshReceivers() {
        receiving = new SrtpContext[receivers];
        final ByteBuffer scratch = ByteBuffer.allocateDirect(2048);
        for (int i = 0; i < receivers; i++) {
            receiving[i] = SrtpContext.create(policy);
            scratch.put(0, ring[0]);
            if (receiving[i].unprotectRtp(scratch, 0, ring[0].length) < 0) {
                throw new IllegalStateException("the ring does not authenticate");
            }
        }
        receiver = 0;
        ringIndex = 1;
    }

    /** Fails the run if a measured call failed (it would have measured the failure path). */
    @TearDown(Level.Iteration)
    public void noFailures() {
        long failures = sender.failuresTotal();
        for (final SrtpContext r : receiving) {
            failures += r.failuresTotal();
        }
        if (failures != 0) {
            throw new IllegalStateException(failures + " SRTP calls failed during the measurement");
        }
    }

    /** @return the buffer's first byte: the copy every operation below starts with, alone, for reference. */
    @Benchmark
    public byte copyOnly() {
        buf.put(0, rtp);
        buf.putShort(2, (short) rtpSeq++);
        return buf.get(0);
    }

    /** @return the SRTP length, so the work is consumed. */
    @Benchmark
    public int protect() {
        buf.put(0, rtp);
        buf.putShort(2, (short) rtpSeq++);
        return sender.protectRtp(buf, 0, rtp.length);
    }

    /** @return the RTP length, so the work is consumed. */
    @Benchmark
    public int unprotect() {
        final byte[] srtp = ring[ringIndex];
        buf.put(0, srtp);
        final int length = receiving[receiver].unprotectRtp(buf, 0, srtp.length);
        if (++ringIndex > RING) {
            ringIndex = 1;
            receiver = (receiver + 1) % receivers;
        }
        return length;
    }
}
