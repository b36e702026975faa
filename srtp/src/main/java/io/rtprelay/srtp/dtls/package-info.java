/**
 * DTLS-SRTP (RFC 5764, RFC 5763) on Bouncy Castle's DTLS 1.2: where a media stream negotiates its SRTP keys in a
 * DTLS handshake instead of SDES. Control makes one {@link io.rtprelay.srtp.dtls.DtlsCertificate} at start and puts
 * its {@link io.rtprelay.srtp.dtls.DtlsFingerprint} in the SDP ({@code a=fingerprint}); it parses the peer's
 * fingerprint from the SDP. relay/ makes one {@link io.rtprelay.srtp.dtls.DtlsSrtpSession} per stream that uses
 * DTLS, hands it the DTLS records its media socket receives (RFC 7983: first byte 20..63) from the stream's event
 * loop, sends what the session sends, and, when the session reports the exported keys, makes the stream's
 * {@link io.rtprelay.srtp.SrtpContext}s from them. The handshakes run on a bounded
 * {@link io.rtprelay.srtp.dtls.DtlsHandshakeExecutor}, never on an event loop. docs/DTLS.md describes the design.
 */
package io.rtprelay.srtp.dtls;
