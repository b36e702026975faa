package io.rtprelay.control.lifecycle;

import io.rtprelay.control.config.ConfigException;
import io.rtprelay.control.config.RelayConfig;
import io.rtprelay.control.ng.Bencode;
import io.rtprelay.control.ng.BencodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training run of the container image's JDK AOT cache (JEP 483/514): {@code java -XX:AOTCacheOutput=rtprelay.aot
 * -cp rtprelay.jar io.rtprelay.control.lifecycle.AotTraining} starts the relay in this JVM on loopback, drives a
 * few calls through it the way Kamailio and the endpoints do (ng offer, answer, RTP both ways, query, delete,
 * statistics, list, ping), scrapes its HTTP endpoint, and stops it; the JVM then writes the classes it loaded and
 * linked, and the method profiles it gathered, into the cache that the real start reads with
 * {@code -XX:AOTCache=rtprelay.aot}. Nothing it does leaves loopback.
 *
 * <p>Thread: the main thread, start to end; every wait is bounded by a socket timeout.
 */
public final class AotTraining {
    private static final Logger LOG = LoggerFactory.getLogger(AotTraining.class);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_PORT = Pattern.compile("m=audio (\\d+) ");
    private static final int CALLS = 20;
    private static final int PACKETS_PER_DIRECTION = 50;
    private static final int RTP_BYTES = 172;
    private static final int TIMEOUT_MS = 2_000;

    private AotTraining() {
    }

    /**
     * @param args rtpengine-style options overriding the training defaults (loopback, free ports, a port range
     *             of 30000-30999).
     */
    public static void main(final String[] args) {
        try {
            train(args);
        } catch (final IOException | ConfigException | BencodeException | RuntimeException e) {
            LOG.error("AOT training failed", e);
            System.exit(1);
        }
    }

    /**
     * Runs the training workload against a relay started in this JVM.
     *
     * @param args options overriding the defaults.
     * @return packets relayed.
     * @throws IOException        when a socket fails or an answer does not come.
     * @throws ConfigException    when the options are bad.
     * @throws BencodeException   when an ng reply cannot be decoded.
     */
    public static long train(final String... args) throws IOException, ConfigException, BencodeException {
        final List<String> options = new ArrayList<>(List.of("--interface=127.0.0.1",
            "--listen-ng=127.0.0.1:" + freeUdpPort(), "--listen-http=127.0.0.1:" + freeTcpPort(),
            "--port-min=30000", "--port-max=30999", "--log-level=5"));
        options.addAll(List.of(args));
        final RelayConfig config = RelayConfig.parse(options.toArray(String[]::new));
        try (RelayDaemon daemon = RelayDaemon.start(config);
             DatagramSocket ng = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket a = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket b = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            for (final DatagramSocket s : List.of(ng, a, b)) {
                s.setSoTimeout(TIMEOUT_MS);
            }
            final InetSocketAddress ngAddress = daemon.ngAddresses().get(0);
            for (int call = 0; call < CALLS; call++) {
                oneCall(ng, ngAddress, "aot-training-" + call, a, b);
            }
            ng(ng, ngAddress, Map.of("command", "statistics"));
            ng(ng, ngAddress, Map.of("command", "list"));
            ng(ng, ngAddress, Map.of("command", "ping"));
            final InetSocketAddress http = daemon.httpAddress();
            if (http != null) {
                for (final String path : List.of("/metrics", "/healthz", "/readyz", "/ping")) {
                    get("http://127.0.0.1:" + http.getPort() + path);
                }
            }
            final long relayed = daemon.media().counters().packetsRelayed();
            LOG.info("AOT training: {} calls, {} packets relayed", CALLS, relayed);
            return relayed;
        }
    }

    private static void oneCall(final DatagramSocket ng, final InetSocketAddress ngAddress, final String callId,
        final DatagramSocket a, final DatagramSocket b) throws IOException, BencodeException {
        final int forB = port(ng(ng, ngAddress, request("offer", callId, "from-tag", "a", "sdp", sdp(a))));
        final int forA = port(ng(ng, ngAddress, request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", sdp(b))));
        final byte[] rtp = new byte[RTP_BYTES];
        rtp[0] = (byte)0x80;
        final byte[] in = new byte[2048];
        for (int seq = 0; seq < PACKETS_PER_DIRECTION; seq++) {
            rtp[2] = (byte)(seq >> 8);
            rtp[3] = (byte)seq;
            a.send(new DatagramPacket(rtp, rtp.length, new InetSocketAddress(LOOPBACK, forA)));
            b.receive(new DatagramPacket(in, in.length));
            b.send(new DatagramPacket(rtp, rtp.length, new InetSocketAddress(LOOPBACK, forB)));
            a.receive(new DatagramPacket(in, in.length));
        }
        ng(ng, ngAddress, request("query", callId));
        ng(ng, ngAddress, request("delete", callId, "delete-delay", 0L));
    }

    private static Map<String, Object> request(final String command, final String callId, final Object... kv) {
        final Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", command);
        r.put("call-id", callId);
        for (int i = 0; i < kv.length; i += 2) {
            r.put((String)kv[i], kv[i + 1]);
        }
        return r;
    }

    private static String sdp(final DatagramSocket rtp) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio " + rtp.getLocalPort() + " RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
            + "a=sendrecv\r\n";
    }

    private static int port(final Map<String, Object> reply) throws IOException {
        final Matcher m = M_PORT.matcher(String.valueOf(reply.get("sdp")));
        if (!"ok".equals(reply.get("result")) || !m.find()) {
            throw new IOException("unexpected ng reply: " + reply);
        }
        return Integer.parseInt(m.group(1));
    }

    private static Map<String, Object> ng(final DatagramSocket socket, final InetSocketAddress server,
        final Map<String, Object> request) throws IOException, BencodeException {
        final String cookie = Long.toHexString(System.nanoTime()) + ' ';
        final byte[] body = Bencode.encode(request);
        final byte[] datagram = Arrays.copyOf(cookie.getBytes(StandardCharsets.ISO_8859_1), cookie.length()
            + body.length);
        System.arraycopy(body, 0, datagram, cookie.length(), body.length);
        socket.send(new DatagramPacket(datagram, datagram.length, server));
        final DatagramPacket reply = new DatagramPacket(new byte[65_535], 65_535);
        socket.receive(reply);
        final int space = cookie.length();
        return Bencode.decodeDictionary(reply.getData(), space, reply.getLength() - space);
    }

    private static void get(final String url) throws IOException {
        try {
            final HttpURLConnection c = (HttpURLConnection)new URI(url).toURL().openConnection();
            c.setConnectTimeout(TIMEOUT_MS);
            c.setReadTimeout(TIMEOUT_MS);
            try (InputStream body = c.getInputStream()) {
                body.readAllBytes();
            }
        } catch (final URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
            return tcp.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            return udp.getLocalPort();
        }
    }
}
