/**
 * One direction's state, 1:1 with a bound media socket: where its packets are expected from (SDP), where they
 * really come from (the latch), which stream its packets leave through, and its counters.
 *
 * <p>In the data flow, a packet read on a socket meets its {@link io.rtprelay.relay.stream.Stream} first (the
 * latch decides whether its source is accepted), then the forwarder sends it out of the peer stream's socket to the
 * peer stream's endpoint. The owning event loop is the only writer of a stream; the control thread changes one only
 * through {@link io.rtprelay.relay.stream.StreamProxy}, which posts to that loop, and reads its counters and
 * endpoint through release/acquire accessors.
 */
package io.rtprelay.relay.stream;
