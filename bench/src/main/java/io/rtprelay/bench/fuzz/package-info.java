/**
 * The live fuzzer: drives a running relay (ours or any ng-controlled one) with mutated ng datagrams at its control
 * port and mutated RTP/RTCP/SRTP/garbage packets at its media ports while a few live calls stream RTP through it,
 * and checks that every datagram was answered or counted, that the live calls lost nothing, that ping was answered
 * throughout and that no port leaked. Entry point {@link io.rtprelay.bench.fuzz.LiveFuzz}; like the load
 * generator it sits outside the relay, at both ends of the data flow. Loopback only.
 */
package io.rtprelay.bench.fuzz;
