/**
 * The per-packet path: a datagram read on a stream's socket is latched, then written without copying out of the
 * peer stream's socket to the peer's endpoint, or dropped through one counted exit ({@link
 * io.rtprelay.relay.forward.DropReason}).
 *
 * <p>One {@link io.rtprelay.relay.forward.Forwarder} and one {@link io.rtprelay.relay.forward.ForwarderCounters}
 * per event loop: the loop is their only writer, so the path takes no lock; other threads read the counters.
 */
package io.rtprelay.relay.forward;
