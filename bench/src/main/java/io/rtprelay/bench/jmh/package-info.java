/**
 * JMH benchmarks of the packet path's pieces, one class per piece; run them as docs/SRTP.md shows (short runs: the
 * machine is shared).
 */
package io.rtprelay.bench.jmh;
