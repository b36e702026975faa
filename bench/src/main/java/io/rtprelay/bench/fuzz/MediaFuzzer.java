package io.rtprelay.bench.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends mutated media packets to a relay's media ports from foreign sockets (never a live endpoint's): RTP with
 * random or the live streams' SSRCs, RTCP compounds with wrong lengths, SRTP-looking packets with random tags, STUN
 * and DTLS first bytes (RFC 7983), truncated and oversized packets, bit-flipped copies and pure garbage. A share
 * goes to the live calls' RTP and RTCP ports, the rest to any port of the range, bound or not. Paced at a packet
 * rate, in
 * batches; what it sent is counted by kind.
 *
 * <p>Threads: {@link #run} on the caller's thread.
 */
final class MediaFuzzer {
    private static final int SOCKETS = 8;
    private static final int BATCH = 32;

    private final InetAddress address;
    private final List<InetSocketAddress> livePorts;
    private final int portMin;
    private final int portMax;
    private final long seed;
    private final long ratePps;
    private final int[] liveSsrcs;
    private final int livePercent;

    /**
     * @param address   the relay's media address.
     * @param livePorts the live calls' relay ports.
     * @param portMin   the relay's range, first port.
     * @param portMax   the relay's range, last port.
     * @param seed      the random seed.
     * @param ratePps   packets per second at most.
     * @param liveSsrcs SSRCs to reuse (0 for none known).
     * @param livePercent the share of packets aimed at the live calls' ports, in percent.
     */
    MediaFuzzer(final InetAddress address, final List<InetSocketAddress> livePorts, final int portMin,
        final int portMax, final long seed, final long ratePps, final int[] liveSsrcs, final int livePercent) {
        this.address = address;
        this.livePorts = List.copyOf(livePorts);
        this.portMin = portMin;
        this.portMax = portMax;
        this.seed = seed;
        this.ratePps = ratePps;
        this.liveSsrcs = liveSsrcs.clone();
        this.livePercent = livePercent;
    }

    /**
     * @param count packets to send.
     * @return how many were sent, and how many the kernel refused at once.
     */
    long[] run(final long count) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<DatagramChannel> sockets = new ArrayList<>();
        final ByteBuffer buf = ByteBuffer.allocateDirect(9_000);
        long refused = 0;
        try {
            for (int i = 0; i < SOCKETS; i++) {
                final DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress(address, 0));
                ch.configureBlocking(true);
                sockets.add(ch);
            }
            final long batchNs = 1_000_000_000L * BATCH / ratePps;
            long next = System.nanoTime();
            for (long n = 0; n < count; n++) {
                buf.clear();
                packet(buf, random);
                buf.flip();
                final InetSocketAddress to = random.nextInt(100) < livePercent && !livePorts.isEmpty()
                    ? livePorts.get(random.nextInt(livePorts.size()))
                    : new InetSocketAddress(address, portMin + random.nextInt(portMax - portMin + 1));
                try {
                    if (sockets.get(random.nextInt(SOCKETS)).send(buf, to) == 0) {
                        refused++;
                    }
                } catch (final IOException e) {
                    refused++;
                }
                if (n % BATCH == BATCH - 1) {
                    next += batchNs;
                    final long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (final DatagramChannel ch : sockets) {
                try {
                    ch.close();
                } catch (final IOException e) {
                    // closing anyway
                }
            }
        }
        return new long[] {count, refused};
    }

    private void packet(final ByteBuffer b, final SplittableRandom random) {
        switch (random.nextInt(10)) {
            case 0, 1 -> rtp(b, random, random.nextInt(1_200));
            case 2 -> rtcp(b, random);
            case 3 -> {
                rtp(b, random, random.nextInt(200));
                fill(b, random, random.nextBoolean() ? 10 : 4);
            }
            case 4 -> {
                b.put((byte) random.nextInt(4));
                fill(b, random, 19 + random.nextInt(100));
            }
            case 5 -> {
                b.put((byte) (20 + random.nextInt(44)));
                fill(b, random, random.nextInt(300));
            }
            case 6 -> fill(b, random, random.nextInt(12));
            case 7 -> fill(b, random, 1_400 + random.nextInt(7_000));
            case 8 -> {
                rtp(b, random, random.nextInt(300));
                final int len = b.position();
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    final int at = random.nextInt(len);
                    b.put(at, (byte) (b.get(at) ^ (1 << random.nextInt(8))));
                }
            }
            default -> fill(b, random, random.nextInt(1_500));
        }
    }

    private void rtp(final ByteBuffer b, final SplittableRandom random, final int payload) {
        final int first = random.nextInt(8) == 0 ? random.nextInt(256) : 0x80 | random.nextInt(0x40);
        b.put((byte) first).put((byte) random.nextInt(256)).putShort((short) random.nextInt(65_536))
            .putInt(random.nextInt());
        final boolean live = liveSsrcs.length > 0 && random.nextBoolean();
        b.putInt(live ? liveSsrcs[random.nextInt(liveSsrcs.length)] : random.nextInt());
        if ((first & 0x0F) != 0) {
            fill(b, random, 4 * (first & 0x0F));
        }
        if ((first & 0x10) != 0) {
            b.putShort((short) random.nextInt(65_536)).putShort((short) random.nextInt(256));
        }
        fill(b, random, payload);
    }

    private void rtcp(final ByteBuffer b, final SplittableRandom random) {
        final int parts = 1 + random.nextInt(3);
        for (int i = 0; i < parts; i++) {
            b.put((byte) (0x80 | random.nextInt(32))).put((byte) (192 + random.nextInt(16)))
                .putShort((short) (random.nextInt(4) == 0 ? random.nextInt(65_536) : random.nextInt(20)))
                .putInt(liveSsrcs.length > 0 && random.nextBoolean()
                    ? liveSsrcs[random.nextInt(liveSsrcs.length)] : random.nextInt());
            fill(b, random, random.nextInt(80));
        }
    }

    private static void fill(final ByteBuffer b, final SplittableRandom random, final int n) {
        final int room = Math.min(n, b.remaining());
        for (int i = 0; i < room; i++) {
            b.put((byte) random.nextInt(256));
        }
    }
}
