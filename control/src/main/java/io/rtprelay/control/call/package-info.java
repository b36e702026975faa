/**
 * Call state on the control thread: call-id to {@link io.rtprelay.control.call.Call}, its monologues by tag, their
 * media sections and the socket pairs advertised to each party, and the SDES keys negotiated for them
 * ({@link io.rtprelay.control.call.SdesNegotiation}, put into the streams by
 * {@link io.rtprelay.control.call.MediaCrypto}). The {@link io.rtprelay.control.call.CallConductor} owns it all; it
 * reaches the media streams only through the relay's stream proxies, which post to the owning event loop; the CLI
 * reads it through {@link io.rtprelay.control.call.CallListing}'s snapshots, taken under the conductor's lock.
 */
package io.rtprelay.control.call;
