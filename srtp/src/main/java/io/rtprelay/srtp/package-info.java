/**
 * SRTP/SRTCP packet crypto (RFC 3711, RFC 6188, RFC 7714), no sockets: the relay's event loops call an
 * {@link io.rtprelay.srtp.SrtpContext} per stream direction to unprotect a received packet and protect an outgoing
 * one in place in its buffer, between receive and send. {@link io.rtprelay.srtp.SrtpPolicy} and
 * {@link io.rtprelay.srtp.SrtpProfile} carry what SDES (control's offer/answer) negotiates; results are
 * {@link io.rtprelay.srtp.SrtpStatus} codes, never exceptions. The block-level crypto is in
 * {@code io.rtprelay.srtp.cipher}. docs/SRTP.md describes the design, tests and benchmarks.
 */
package io.rtprelay.srtp;
