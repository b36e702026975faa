/**
 * JMH benchmarks of the hot pieces: the ng codec and the SDP rewrite (control plane, per call setup), the
 * forwarding path and SRTP protect/unprotect (data plane, per packet). Run them from the uber-jar,
 * {@code scripts/jmh.sh}, with {@code -prof gc} for allocation per operation; figures in docs/PERFORMANCE.md and
 * docs/SRTP.md (short runs: the machine is shared).
 */
package io.rtprelay.bench.jmh;
