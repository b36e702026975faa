package io.rtprelay.control.testkit;

import io.rtprelay.control.ng.Bencode;
import io.rtprelay.control.ng.BencodeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test's ng client: one connected UDP socket, as Kamailio's rtpengine module uses, sending
 * {@code cookie SP bencode} and waiting for the reply with the same cookie.
 */
public final class NgClient implements AutoCloseable {
    private static final AtomicLong COOKIES = new AtomicLong(System.nanoTime());

    private final DatagramSocket socket;
    private final InetSocketAddress server;

    /**
     * @param server the ng address of the relay under test (ours or rtpengine).
     */
    public NgClient(final InetSocketAddress server) {
        try {
            this.server = server;
            this.socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
            socket.connect(server);
            socket.setSoTimeout(5_000);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the address requests go to. */
    public InetSocketAddress server() {
        return server;
    }

    /**
     * Sends one command and returns the decoded reply dictionary.
     *
     * @param request the ng dictionary.
     * @return the reply dictionary.
     */
    public Map<String, Object> call(final Map<String, ?> request) {
        return decode(exchange(nextCookie(), Bencode.encode(request)));
    }

    /** @return a fresh cookie. */
    public static String nextCookie() {
        return Long.toHexString(COOKIES.incrementAndGet());
    }

    /**
     * Sends raw bytes after {@code cookie SP} and returns the raw reply payload after the cookie.
     *
     * @param cookie the cookie.
     * @param body   the bytes after the cookie and the space.
     * @return the reply bytes after the cookie and the space.
     */
    public byte[] exchange(final String cookie, final byte[] body) {
        final byte[] prefix = (cookie + " ").getBytes(StandardCharsets.US_ASCII);
        final byte[] datagram = Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, datagram, prefix.length, body.length);
        return exchangeRaw(datagram, cookie);
    }

    /**
     * Sends a whole datagram as is and waits for a reply carrying the given cookie.
     *
     * @param datagram the bytes to send.
     * @param cookie   the cookie the reply must carry.
     * @return the reply bytes after the cookie and the space.
     */
    public byte[] exchangeRaw(final byte[] datagram, final String cookie) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length));
            final byte[] in = new byte[65_536];
            final long deadlineNs = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadlineNs) {
                final DatagramPacket reply = new DatagramPacket(in, in.length);
                socket.receive(reply);
                final String text = new String(in, 0, reply.getLength(), StandardCharsets.ISO_8859_1);
                final int space = text.indexOf(' ');
                if (space > 0 && text.substring(0, space).equals(cookie)) {
                    return Arrays.copyOfRange(in, space + 1, reply.getLength());
                }
            }
            throw new AssertionError("no reply for cookie " + cookie);
        } catch (final SocketTimeoutException e) {
            throw new AssertionError("no reply from " + server + " for cookie " + cookie, e);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a datagram and expects no reply within the timeout.
     *
     * @param datagram  the bytes.
     * @param timeoutMs how long to listen.
     * @return true when nothing came back.
     */
    public boolean sendExpectingSilence(final byte[] datagram, final int timeoutMs) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length));
            socket.setSoTimeout(timeoutMs);
            try {
                socket.receive(new DatagramPacket(new byte[65_536], 65_536));
                return false;
            } catch (final SocketTimeoutException e) {
                return true;
            } finally {
                socket.setSoTimeout(5_000);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param reply raw reply bytes.
     * @return the reply dictionary.
     */
    public static Map<String, Object> decode(final byte[] reply) {
        try {
            return Bencode.decodeDictionary(reply, 0, reply.length);
        } catch (final BencodeException e) {
            throw new AssertionError(
                "reply is not a bencode dictionary: " + new String(reply, StandardCharsets.ISO_8859_1), e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
