/**
 * SDP (RFC 8866) as the relay reads and writes it: {@link io.rtprelay.control.sdp.SdpParser} turns the SDP of an
 * offer or answer into a {@link io.rtprelay.control.sdp.SessionDescription} that keeps every line in order, and
 * {@link io.rtprelay.control.sdp.SdpRewriter} produces the SDP the relay hands on, with its own addresses and ports,
 * line for line as rtpengine 10.5 produces it; SDP security descriptions (RFC 4568) are read and written as
 * {@link io.rtprelay.control.sdp.CryptoAttribute}s of the {@link io.rtprelay.control.sdp.SdesSuite}s rtpengine
 * knows. Sits between the ng command handlers and the call state, on the control thread; nothing here touches a
 * socket.
 */
package io.rtprelay.control.sdp;
