/**
 * SRTP/SRTCP packet crypto (RFC 3711, 6188, 7714): no sockets; the relay calls it to transform packets in place.
 */
package io.rtprelay.srtp;
