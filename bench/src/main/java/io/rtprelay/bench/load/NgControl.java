package io.rtprelay.bench.load;

import io.rtprelay.control.ng.Bencode;
import io.rtprelay.control.ng.BencodeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator's ng client, as Kamailio's rtpengine module talks: one connected UDP socket, {@code cookie SP
 * bencode} requests, a reply matched by its cookie, the same datagram retransmitted on timeout (the relay answers a
 * repeated cookie from its reply cache). Blocking; used by one thread (the run's control thread).
 */
public final class NgControl implements AutoCloseable {
    private static final int ATTEMPTS = 3;
    private static final int TIMEOUT_MS = 2_000;

    private final DatagramSocket socket;
    private final byte[] receive = new byte[65_536];
    private long nextCookie = System.nanoTime() & 0xFFFF_FFFFL;

    /** @param server the relay's ng address. */
    public NgControl(final InetSocketAddress server) {
        try {
            this.socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
            socket.connect(server);
            socket.setSoTimeout(TIMEOUT_MS);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends an offer for one side A.
     *
     * @param callId  the call-id.
     * @param fromTag A's tag.
     * @param sdp     A's SDP.
     * @return the reply dictionary.
     */
    public Map<String, Object> offer(final String callId, final String fromTag, final String sdp) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", "offer");
        request.put("call-id", callId);
        request.put("from-tag", fromTag);
        request.put("sdp", sdp);
        request.put("replace", List.of("origin", "session-connection"));
        request.put("ICE", "remove");
        return call(request);
    }

    /**
     * Sends the answer of side B.
     *
     * @param callId  the call-id.
     * @param fromTag A's tag.
     * @param toTag   B's tag.
     * @param sdp     B's SDP.
     * @return the reply dictionary.
     */
    public Map<String, Object> answer(final String callId, final String fromTag, final String toTag,
                                      final String sdp) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", "answer");
        request.put("call-id", callId);
        request.put("from-tag", fromTag);
        request.put("to-tag", toTag);
        request.put("sdp", sdp);
        request.put("replace", List.of("origin", "session-connection"));
        request.put("ICE", "remove");
        return call(request);
    }

    /**
     * Deletes a call at once (no delete delay, so its ports are free for the next run).
     *
     * @param callId  the call-id.
     * @param fromTag A's tag.
     * @return the reply dictionary.
     */
    public Map<String, Object> delete(final String callId, final String fromTag) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", "delete");
        request.put("call-id", callId);
        request.put("from-tag", fromTag);
        request.put("delete-delay", 0L);
        return call(request);
    }

    /**
     * Sends one request and waits for its reply, retransmitting on timeout.
     *
     * @param request the ng dictionary.
     * @return the reply dictionary.
     * @throws UncheckedIOException when no reply came after every attempt.
     */
    public Map<String, Object> call(final Map<String, ?> request) {
        final String cookie = Long.toHexString(nextCookie++);
        final byte[] prefix = (cookie + " ").getBytes(StandardCharsets.US_ASCII);
        final byte[] body = Bencode.encode(request);
        final byte[] datagram = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, datagram, 0, prefix.length);
        System.arraycopy(body, 0, datagram, prefix.length, body.length);
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                socket.send(new DatagramPacket(datagram, datagram.length));
                final Map<String, Object> reply = awaitReply(prefix);
                if (reply != null) {
                    return reply;
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("ng " + request.get("command") + ": " + e.getMessage(), e);
        }
        throw new UncheckedIOException(new IOException("ng " + request.get("command") + ": no reply after "
            + ATTEMPTS + " attempts of " + TIMEOUT_MS + " ms"));
    }

    /** @return the reply with this cookie, or null on timeout; replies to earlier cookies are skipped. */
    private Map<String, Object> awaitReply(final byte[] prefix) throws IOException {
        final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
        for (int skipped = 0; skipped < 1_000; skipped++) {
            final long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
            if (leftMs <= 0) {
                return null;
            }
            socket.setSoTimeout((int)Math.max(1, leftMs));
            final DatagramPacket packet = new DatagramPacket(receive, receive.length);
            try {
                socket.receive(packet);
            } catch (final SocketTimeoutException e) {
                return null;
            }
            if (packet.getLength() > prefix.length && startsWith(receive, prefix)) {
                try {
                    return Bencode.decodeDictionary(receive, prefix.length, packet.getLength() - prefix.length);
                } catch (final BencodeException e) {
                    throw new IOException("undecodable ng reply: " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    private static boolean startsWith(final byte[] data, final byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        socket.close();
    }
}
