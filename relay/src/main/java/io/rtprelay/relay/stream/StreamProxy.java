package io.rtprelay.relay.stream;

import io.netty.util.concurrent.Future;
import io.rtprelay.relay.record.RecordingTap;
import io.rtprelay.srtp.SrtpContext;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * How the control thread configures a {@link Stream}: every change is a task posted to the stream's event loop (the
 * stream's single writer), in call order; reads go to the stream's acquire accessors. Each change returns the task's
 * future, which a caller that must know the change is in effect (before answering a command, in a test) can await;
 * others can ignore it. Arguments are checked here, on the calling thread, so a task never throws on the loop.
 *
 * <p>Typical use by the ng offer/answer handlers, for a call between sides A and B (each side a pair of sockets):
 * {@code a.rtp.bind(sdpA, mode, b.rtp.stream())} and {@code b.rtp.bind(sdpB, mode, a.rtp.stream())}, the same for
 * RTCP: a packet received on A's socket (from A) leaves through B's socket to B's endpoint, and back.
 */
public final class StreamProxy {
    private final Stream stream;

    /** @param stream the stream this proxy reaches. */
    public StreamProxy(final Stream stream) {
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /** @return the stream, to name it as another stream's peer or to read its counters. */
    public Stream stream() {
        return stream;
    }

    /**
     * Sets the SDP endpoint, the latch mode and the peer in one task.
     *
     * @param expected the endpoint from SDP; null, 0.0.0.0/:: or port 0 mean unknown.
     * @param mode     how the endpoint is learned from received packets.
     * @param egress   the stream received packets are forwarded out of (to its endpoint), or null for none.
     * @return the task's future.
     * @throws IllegalArgumentException if the egress stream belongs to another event loop or the endpoint is
     *                                  unresolved.
     */
    public Future<?> bind(final InetSocketAddress expected, final LatchMode mode, final Stream egress) {
        checkEndpoint(expected);
        Objects.requireNonNull(mode, "mode");
        checkPeer(egress);
        return stream.loop().submit(() -> stream.onBind(expected, mode, egress));
    }

    /**
     * Sets the SDP endpoint and latch mode. A changed known endpoint, or a changed mode, forgets the learned
     * endpoint; the same endpoint again or an unknown one (hold) keeps it.
     *
     * @param expected the endpoint from SDP; null, 0.0.0.0/:: or port 0 mean unknown.
     * @param mode     how the endpoint is learned from received packets.
     * @return the task's future.
     */
    public Future<?> configure(final InetSocketAddress expected, final LatchMode mode) {
        checkEndpoint(expected);
        Objects.requireNonNull(mode, "mode");
        return stream.loop().submit(() -> stream.onConfigure(expected, mode));
    }

    /**
     * A signal of the call (offer or answer) at {@code signalNs}: the stream learns again for
     * {@link Stream#LEARNING_WINDOW_NS} under {@code learning} (see {@link EndpointLearning}).
     *
     * @param learning the relay's endpoint-learning algorithm.
     * @param signalNs {@link System#nanoTime()} of the signal.
     * @return the task's future.
     */
    public Future<?> signal(final EndpointLearning learning, final long signalNs) {
        Objects.requireNonNull(learning, "learning");
        return stream.loop().submit(() -> stream.onSignal(learning, signalNs));
    }

    /**
     * @param egress the stream received packets are forwarded out of, or null to stop forwarding (packets are then
     *               dropped as {@code NO_PEER}).
     * @return the task's future.
     * @throws IllegalArgumentException if the egress stream belongs to another event loop.
     */
    public Future<?> peer(final Stream egress) {
        checkPeer(egress);
        return stream.loop().submit(() -> stream.onPeer(egress));
    }

    /**
     * @param blocked true to drop every packet received on this stream (counted as {@code BLOCKED}; the source is
     *                still learned and the packets still count as received, so the call does not time out), false
     *                to forward again. rtpengine's "block media" of the side that sends to this stream.
     * @return the task's future.
     */
    public Future<?> block(final boolean blocked) {
        return stream.loop().submit(() -> stream.onBlock(blocked));
    }

    /**
     * @param control what to do from the next packet on to the RTP received on this stream (rtpengine's
     *                {@code block media}, {@code silence media}, {@code block DTMF} of the party that sends to it),
     *                {@link MediaControl#NONE} to forward it as received. RTCP is never affected.
     * @return the task's future.
     */
    public Future<?> mediaControl(final MediaControl control) {
        Objects.requireNonNull(control, "control");
        return stream.loop().submit(() -> stream.onMediaControl(control));
    }

    /**
     * Sets the SRTP contexts of this stream, replacing any before (a re-key installs new contexts). From the next
     * packet on: packets received on this stream's socket are unprotected with {@code unprotectIngress} before they
     * are latched and forwarded (failures are dropped as {@code SRTP_AUTH_FAILED}, {@code SRTP_REPLAY}, ...), and
     * packets this stream's socket sends to its party are protected with {@code protectEgress}, in place in the
     * received buffer. RTCP streams, and RTCP multiplexed on an RTP stream (RFC 5761 §4), use the SRTCP transforms.
     *
     * <p>A context belongs to the stream's event loop from now on: give it to no stream of another loop. The same
     * context may serve the RTP and the RTCP stream of a pair (it keeps SRTP and SRTCP state apart); the ingress and
     * egress contexts of a stream are different contexts (different keys, one per direction).
     *
     * @param unprotectIngress the context that unprotects what the party sends here, or null for plain RTP.
     * @param protectEgress    the context that protects what is sent to the party, or null for plain RTP.
     * @return the task's future.
     * @throws IllegalArgumentException if both are the same context.
     */
    public Future<?> crypto(final SrtpContext unprotectIngress, final SrtpContext protectEgress) {
        if (unprotectIngress != null && unprotectIngress == protectEgress) {
            throw new IllegalArgumentException("one context for both directions of " + stream);
        }
        return stream.loop().submit(() -> stream.onCrypto(unprotectIngress, protectEgress));
    }

    /**
     * @param transport where DTLS records received on this stream's socket go from the next packet on (the
     *                  handshake of a party that negotiated DTLS-SRTP), or null for none.
     * @return the task's future.
     */
    public Future<?> dtls(final DtlsTransport transport) {
        return stream.loop().submit(() -> stream.onDtls(transport));
    }

    /**
     * @param tap records every packet this stream forwards from the next packet on (as it arrived, after SRTP
     *            unprotect); null stops recording. A tap belongs to this stream's loop from now on.
     * @return the task's future: once done, the previous tap receives no more packets.
     */
    public Future<?> record(final RecordingTap tap) {
        return stream.loop().submit(() -> stream.onRecord(tap));
    }

    /**
     * Makes this stream use the SRTP contexts {@code from} holds now, shared with it: a socket pair that replaces
     * another (a re-offer that moved the far end, without {@code port-latching}) keeps the rollover counters and
     * replay windows, and never sends plain what was protected. Both streams must be on one event loop, where the
     * contexts are read and shared (single writer).
     *
     * @param from the stream whose contexts this one takes.
     * @return the task's future.
     * @throws IllegalArgumentException if {@code from} belongs to another event loop.
     */
    public Future<?> inheritCrypto(final Stream from) {
        Objects.requireNonNull(from, "from");
        checkPeer(from);
        return stream.loop().submit(() -> stream.onCrypto(from.srtpIngress(), from.srtpEgress()));
    }

    /** @return see {@link Stream#endpoint()}. */
    public InetSocketAddress endpoint() {
        return stream.endpoint();
    }

    /** @return see {@link Stream#learnedEndpoint()}. */
    public InetSocketAddress learnedEndpoint() {
        return stream.learnedEndpoint();
    }

    /** @return see {@link Stream#packetsIn()}. */
    public long packetsIn() {
        return stream.packetsIn();
    }

    /** @return see {@link Stream#bytesIn()}. */
    public long bytesIn() {
        return stream.bytesIn();
    }

    /** @return see {@link Stream#errorsIn()}. */
    public long errorsIn() {
        return stream.errorsIn();
    }

    /** @return see {@link Stream#packetsOut()}. */
    public long packetsOut() {
        return stream.packetsOut();
    }

    /** @return see {@link Stream#bytesOut()}. */
    public long bytesOut() {
        return stream.bytesOut();
    }

    /** @return see {@link Stream#errorsOut()}. */
    public long errorsOut() {
        return stream.errorsOut();
    }

    /** @return see {@link Stream#relatches()}. */
    public long relatches() {
        return stream.relatches();
    }

    /** @return see {@link Stream#takeoversRefused()}. */
    public long takeoversRefused() {
        return stream.takeoversRefused();
    }

    /** @return see {@link Stream#hasReceived()}. */
    public boolean hasReceived() {
        return stream.hasReceived();
    }

    /** @return see {@link Stream#firstPacketNs()}. */
    public long firstPacketNs() {
        return stream.firstPacketNs();
    }

    /** @return see {@link Stream#lastPacketNs()}. */
    public long lastPacketNs() {
        return stream.lastPacketNs();
    }

    private void checkPeer(final Stream egress) {
        if (egress != null && egress.loop() != stream.loop()) {
            throw new IllegalArgumentException(
                "peer " + egress + " is on another event loop than " + stream + ": open a call's sockets with one"
                    + " call-id so they share a loop");
        }
    }

    private static void checkEndpoint(final InetSocketAddress expected) {
        if (expected != null && expected.isUnresolved()) {
            throw new IllegalArgumentException("unresolved endpoint " + expected);
        }
    }

    @Override
    public String toString() {
        return "StreamProxy[" + stream + "]";
    }
}
