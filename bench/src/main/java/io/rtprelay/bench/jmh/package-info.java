/**
 * JMH benchmarks of the hot pieces: the ng codec and the SDP rewrite (control plane, per call setup) and the
 * forwarding path (data plane, per packet). Run them from the uber-jar, {@code scripts/jmh.sh}, with
 * {@code -prof gc} for allocation per operation; figures in docs/PERFORMANCE.md.
 */
package io.rtprelay.bench.jmh;
