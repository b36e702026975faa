package io.rtprelay.kernel;

/**
 * What the kernel forwarded for one map entry since it was put.
 *
 * @param packets    datagrams forwarded.
 * @param bytes      their UDP payload bytes (what rtpengine's per-stream "bytes" counts).
 * @param lastSeenNs when the last one was forwarded, on CLOCK_MONOTONIC ({@code System.nanoTime()} on Linux), or 0.
 */
public record KernelCounters(long packets, long bytes, long lastSeenNs) {
}
