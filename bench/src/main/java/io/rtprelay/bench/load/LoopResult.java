package io.rtprelay.bench.load;

/**
 * What one generator event loop counted, copied on that loop at the end of a run and summed by the control thread.
 *
 * @param sent              packets sent in the whole run.
 * @param received          packets received in the whole run (checked, not foreign or misrouted).
 * @param sentInWindow      packets sent inside the measured window.
 * @param deliveredInWindow distinct packets of those that came back.
 * @param arrivalsInWindow  packets that came back while the window was open (what the relay forwarded then).
 * @param reordered         window packets that came after a later one of their stream.
 * @param late              of those, ones too late (64 packets) to tell from a duplicate.
 * @param duplicates        packets that came back twice or more (copies counted).
 * @param foreign           datagrams that are not the generator's packets.
 * @param misrouted         packets of another stream, or received on the wrong endpoint.
 * @param wrongSource       packets from another port than the relay advertised for the stream.
 * @param skipped           packets never sent because the loop fell behind, in the window.
 * @param sendErrors        sends the kernel refused.
 * @param maxLagNs          how far behind its schedule the loop fell, at worst, in the window.
 * @param lossyStreams      streams that lost any window packet.
 * @param ticks             pacing ticks run.
 * @param latency           one-way latency of the window packets.
 */
record LoopResult(long sent, long received, long sentInWindow, long deliveredInWindow, long arrivalsInWindow,
                  long reordered, long late, long duplicates, long foreign, long misrouted, long wrongSource,
                  long skipped, long sendErrors, long maxLagNs, int lossyStreams, long ticks,
                  LatencyRecorder latency) {
}
