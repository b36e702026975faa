package io.rtprelay.control.sdp;

import java.util.List;

/**
 * What the relay advertises for one media section: the address and the ports it allocated for the stream, and the
 * SDES keys it sends with (RFC 4568).
 *
 * @param address  the relay's media address (an IP literal).
 * @param ipv6     true when {@code address} is IPv6 ({@code c=IN IP6}).
 * @param rtpPort  the RTP port, even by convention; 0 keeps the section rejected.
 * @param rtcpPort the RTCP port: RTP + 1, or the RTP port itself when RTCP is multiplexed (RFC 5761).
 * @param crypto   the {@code a=crypto} lines to write, in order: the relay's offer of keys, or the one it answers
 *                 with; empty for none.
 * @param dtlsSetup       the relay's {@code a=setup} role (RFC 4145, RFC 5763 §5: {@code active}, {@code passive} or
 *                        {@code actpass}), or null when it speaks no DTLS-SRTP here.
 * @param dtlsFingerprint the relay's {@code a=fingerprint} value ({@code <hash> <hex>}), or null with no DTLS.
 */
public record MediaEndpoint(String address, boolean ipv6, int rtpPort, int rtcpPort, List<CryptoAttribute> crypto,
                            String dtlsSetup, String dtlsFingerprint) {
    /** Copies the crypto list. */
    public MediaEndpoint {
        crypto = List.copyOf(crypto);
    }

    /**
     * @param address  the relay's media address.
     * @param ipv6     true for IPv6.
     * @param rtpPort  the RTP port.
     * @param rtcpPort the RTCP port.
     */
    public MediaEndpoint(final String address, final boolean ipv6, final int rtpPort, final int rtcpPort) {
        this(address, ipv6, rtpPort, rtcpPort, List.of(), null, null);
    }

    /**
     * @param address  the relay's media address.
     * @param ipv6     true for IPv6.
     * @param rtpPort  the RTP port.
     * @param rtcpPort the RTCP port.
     * @param crypto   the {@code a=crypto} lines to write.
     */
    public MediaEndpoint(final String address, final boolean ipv6, final int rtpPort, final int rtcpPort,
                         final List<CryptoAttribute> crypto) {
        this(address, ipv6, rtpPort, rtcpPort, crypto, null, null);
    }

    /**
     * @param lines the {@code a=crypto} lines to write.
     * @return a copy with them.
     */
    public MediaEndpoint withCrypto(final List<CryptoAttribute> lines) {
        return new MediaEndpoint(address, ipv6, rtpPort, rtcpPort, lines, dtlsSetup, dtlsFingerprint);
    }

    /**
     * @param setup       the relay's {@code a=setup} role.
     * @param fingerprint the relay's {@code a=fingerprint} value.
     * @return a copy that speaks DTLS-SRTP with them.
     */
    public MediaEndpoint withDtls(final String setup, final String fingerprint) {
        return new MediaEndpoint(address, ipv6, rtpPort, rtcpPort, crypto, setup, fingerprint);
    }

    /**
     * @param address the relay's media address.
     * @param rtpPort the RTP port, RTCP on the next.
     * @return the endpoint, the family read from the address.
     */
    public static MediaEndpoint of(final String address, final int rtpPort) {
        return new MediaEndpoint(address, address.indexOf(':') >= 0, rtpPort, rtpPort == 0 ? 0 : rtpPort + 1);
    }

    /** @return true when the section stays rejected (port 0). */
    public boolean rejected() {
        return rtpPort == 0;
    }

    /** @return {@code IP6} or {@code IP4}, as SDP writes the address type. */
    public String addrType() {
        return ipv6 ? "IP6" : "IP4";
    }
}
