/**
 * The load generator: drives any ng-controlled relay (ours or rtpengine) with N calls of RTP on loopback, checks
 * every forwarded packet and measures delivered rate, loss, reordering, one-way latency and the relay's CPU per
 * packet. Entry point {@link io.rtprelay.bench.load.LoadGenerator}; it sits outside the relay, at both ends of the
 * data flow (the endpoints of the calls).
 */
package io.rtprelay.bench.load;
