package io.rtprelay.bench.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The SDP the generator's endpoints offer and answer (one PCMU audio stream with telephone-event, as a SIP phone
 * behind Kamailio writes it, RFC 8866), and the one thing it reads back from the relay's SDP: where to send the
 * stream's RTP (the first {@code m=audio} port at the {@code c=} address that applies to it). Stateless.
 */
public final class CallSdp {
    private CallSdp() {
    }

    /**
     * @param address   the endpoint's address.
     * @param port      the endpoint's RTP port.
     * @param sessionId the o= session id.
     * @return the endpoint's SDP.
     */
    public static String of(final InetAddress address, final int port, final long sessionId) {
        final String ip = address.getHostAddress();
        final String type = address.getAddress().length == 16 ? "IP6" : "IP4";
        return "v=0\r\n"
            + "o=- " + sessionId + " 1 IN " + type + " " + ip + "\r\n"
            + "s=-\r\n"
            + "c=IN " + type + " " + ip + "\r\n"
            + "t=0 0\r\n"
            + "m=audio " + port + " RTP/AVP 0 101\r\n"
            + "a=rtpmap:0 PCMU/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n"
            + "a=fmtp:101 0-16\r\n"
            + "a=ptime:20\r\n"
            + "a=sendrecv\r\n";
    }

    /**
     * @param sdp the relay's SDP.
     * @return the address and port of its first audio stream.
     * @throws IllegalArgumentException when the SDP has no usable audio stream.
     */
    public static InetSocketAddress audioEndpoint(final String sdp) {
        String sessionAddress = null;
        String mediaAddress = null;
        int port = -1;
        for (final String raw : sdp.split("\n")) {
            final String line = raw.strip();
            if (line.startsWith("m=")) {
                if (port >= 0) {
                    break;
                }
                if (line.startsWith("m=audio ")) {
                    final String[] parts = line.split(" ");
                    port = Integer.parseInt(parts[1].split("/")[0]);
                }
            } else if (line.startsWith("c=")) {
                final String[] parts = line.split(" ");
                if (port >= 0) {
                    mediaAddress = parts[2];
                } else {
                    sessionAddress = parts[2];
                }
            }
        }
        final String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (port <= 0 || address == null) {
            throw new IllegalArgumentException("no audio stream with an address and a port in the relay's SDP");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(address), port);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException("not an address in the relay's SDP: " + address, e);
        }
    }
}
