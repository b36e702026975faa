package io.rtprelay.kernel;

/**
 * Where the program sent the UDP datagrams it saw, summed over CPUs since it was loaded: the reasons a datagram went
 * up to userspace instead of being forwarded.
 *
 * @param forwarded      rewritten and redirected in the kernel.
 * @param noEntry        no entry for the destination (address, port): not a kernelised stream.
 * @param foreignSource  an entry, but not from its latched endpoint: userspace's learning rules decide.
 * @param notRtp         the first byte is not RTP/RTCP (RFC 7983: STUN, DTLS, ...).
 * @param unsupported    IPv4 options, a fragment, or a UDP length the IP header contradicts.
 * @param noRoute        an entry without an interface and no route from the FIB.
 * @param rewriteFailed  dropped: a helper failed half-way through the rewrite (should stay 0).
 */
public record KernelStatistics(long forwarded, long noEntry, long foreignSource, long notRtp, long unsupported,
                               long noRoute, long rewriteFailed) {
    /** The number of counters, {@code STAT_COUNT} in relay.bpf.c. */
    static final int COUNT = 7;

    static KernelStatistics of(final long[] n) {
        return new KernelStatistics(n[0], n[1], n[2], n[3], n[4], n[5], n[6]);
    }
}
