/**
 * The data plane: RTP/RTCP in on a media socket, forwarded without copying out of the peer socket.
 *
 * <p>{@link io.rtprelay.relay.MediaPlane} owns the event loops (one per core, on the transport chosen at start), the
 * port pool and the per-loop forwarders; the control plane opens a {@link io.rtprelay.relay.MediaSocketPair} per
 * side of a call (every socket of a call on the loop chosen by its call-id) and wires the pairs' streams through
 * their {@link io.rtprelay.relay.stream.StreamProxy}. {@link io.rtprelay.relay.MediaSocket} is where a datagram
 * enters: it hands it to the loop's {@link io.rtprelay.relay.forward.Forwarder} and flushes once per read batch.
 */
package io.rtprelay.relay;
