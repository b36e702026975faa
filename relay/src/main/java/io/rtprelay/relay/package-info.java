/**
 * The data plane: RTP/RTCP in on a media socket, forwarded without copying out of the peer socket.
 */
package io.rtprelay.relay;
