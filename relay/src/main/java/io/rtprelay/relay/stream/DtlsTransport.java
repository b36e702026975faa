package io.rtprelay.relay.stream;

import io.netty.buffer.ByteBuf;

import java.net.InetSocketAddress;

/**
 * Where a stream's socket hands the DTLS records it receives (RFC 7983 §7: first byte 20..63) when its party
 * negotiated DTLS-SRTP (RFC 5764): the handshake that keys the stream's SRTP contexts. Set through
 * {@link StreamProxy#dtls}; null for every other stream, whose DTLS-looking packets are media like any other.
 */
public interface DtlsTransport {
    /**
     * Called on the stream's event loop. The implementation copies what it keeps and never blocks; the caller keeps
     * ownership of the buffer and releases it.
     *
     * @param record the datagram, its readable bytes.
     * @param source where it came from.
     */
    void onRecord(ByteBuf record, InetSocketAddress source);
}
