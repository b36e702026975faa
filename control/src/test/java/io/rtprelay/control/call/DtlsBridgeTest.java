package io.rtprelay.control.call;

import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.RtprelayTarget;
import io.rtprelay.srtp.SrtpContext;
import io.rtprelay.srtp.SrtpPolicy;
import io.rtprelay.srtp.SrtpProfile;
import io.rtprelay.srtp.dtls.DtlsCertificate;
import io.rtprelay.srtp.dtls.DtlsFingerprint;
import io.rtprelay.srtp.dtls.DtlsHandshakeExecutor;
import io.rtprelay.srtp.dtls.DtlsSrtpConfig;
import io.rtprelay.srtp.dtls.DtlsSrtpSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DTLS-SRTP to plain RTP through our relay, set up over ng as Kamailio sets up a WebRTC offer towards a SIP phone:
 * party A offers {@code UDP/TLS/RTP/SAVPF} with {@code a=fingerprint} and {@code a=setup:actpass} and runs a DTLS-SRTP
 * endpoint on its one socket (rtcp-mux, as browsers do); the offer goes on to B as {@code RTP/AVP}; B answers plain.
 * The relay answers A with its own {@code a=setup} (active by default as rtpengine, passive with {@code DTLS=passive})
 * and {@code a=fingerprint}, and the handshake on A's socket keys the relay's contexts towards A: A's SRTP arrives at
 * B as the original RTP, B's RTP arrives at A as SRTP under the handshake's keys, and RTP A sends in the clear is
 * dropped, never forwarded; DTLS records from a third party's socket neither stop nor redirect the handshake. A's
 * endpoint here is our own engine (its interop with openssl in both roles is
 * {@code DtlsSrtpOpensslInteropTest}'s); a browser needs ICE as well, which is not wired yet.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DtlsBridgeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_LINE = Pattern.compile("m=audio (\\d+) (\\S+) ");
    private static final Pattern SETUP = Pattern.compile("a=setup:(\\S+)");
    private static final Pattern FINGERPRINT = Pattern.compile("a=fingerprint:([^\\r\\n]+)");
    private static final long WAIT_MS = 10_000;
    private static final int ATTEMPTS = 100;
    private static final long ATTEMPT_MS = 50;

    private static RtprelayTarget relay;
    private static NgClient ng;
    private static DtlsHandshakeExecutor executor;

    @BeforeAll
    static void start() {
        relay = RtprelayTarget.start();
        ng = new NgClient(relay.ngAddress());
        executor = new DtlsHandshakeExecutor(4);
    }

    @AfterAll
    static void stop() {
        if (executor != null) {
            executor.close();
        }
        if (ng != null) {
            ng.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @ParameterizedTest(name = "DTLS key {0}: relay {1}")
    @CsvSource({"'', active", "passive, passive"})
    void aDtlsSrtpPartyAndAPlainPartyHearEachOther(final String dtlsKey, final String relaySetup) throws Exception {
        final String callId = "dtls-" + relaySetup;
        final DtlsCertificate certificate = DtlsCertificate.generate();
        try (DatagramChannel a = udp(); DatagramChannel b = udp()) {
            final String offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "m=audio " + port(a) + " UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 127.0.0.1\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\na=rtcp-mux\r\na=setup:actpass\r\n"
                + "a=fingerprint:sha-256 " + certificate.fingerprint(DtlsFingerprint.SHA_256) + "\r\n";
            final Map<String, Object> offerRequest = request("offer", callId, offer);
            offerRequest.put("transport-protocol", "RTP/AVP");
            final String toB = sdp(ng.call(offerRequest));
            final Matcher bm = matcher(M_LINE, toB);
            assertEquals("RTP/AVP", bm.group(2), toB);
            assertNull(find(FINGERPRINT, toB), () -> "no DTLS towards the plain side:\n" + toB);
            final int relayForB = Integer.parseInt(bm.group(1));

            final String answer = "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "m=audio " + port(b) + " RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\na=sendrecv\r\n";
            final Map<String, Object> answerRequest = request("answer", callId, answer);
            answerRequest.put("to-tag", "B");
            if (!dtlsKey.isEmpty()) {
                answerRequest.put("DTLS", dtlsKey);
            }
            final String toA = sdp(ng.call(answerRequest));
            final Matcher am = matcher(M_LINE, toA);
            assertEquals("UDP/TLS/RTP/SAVPF", am.group(2), toA);
            assertEquals(relaySetup, find(SETUP, toA), toA);
            final String relayFingerprint = find(FINGERPRINT, toA);
            assertNotNull(relayFingerprint, toA);
            final InetSocketAddress relayForA = new InetSocketAddress(LOOPBACK, Integer.parseInt(am.group(1)));

            // A's DTLS-SRTP endpoint, on the socket it offered, in the role the relay left it
            exchange(callId, "A", a, b, certificate,
                "active".equals(relaySetup) ? DtlsSrtpSession.Role.SERVER : DtlsSrtpSession.Role.CLIENT,
                relayFingerprint, relayForA, relayForB);
        }
    }

    @ParameterizedTest(name = "A answers {0}: relay {1}")
    @CsvSource({"active, passive", "passive, active"})
    void theRelayOffersDtlsSrtpAndThePartyThatAnswersWithItIsKeyed(final String partySetup, final String relayRole)
        throws Exception {
        final String callId = "dtls-offer-" + partySetup;
        final DtlsCertificate certificate = DtlsCertificate.generate();
        try (DatagramChannel a = udp(); DatagramChannel b = udp()) {
            final String offer = "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "m=audio " + port(b) + " RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\na=sendrecv\r\n";
            final Map<String, Object> offerRequest = request("offer", callId, offer);
            offerRequest.put("from-tag", "B");
            offerRequest.put("transport-protocol", "UDP/TLS/RTP/SAVPF");
            offerRequest.put("rtcp-mux", java.util.List.of("offer"));
            final String toA = sdp(ng.call(offerRequest));
            final Matcher am = matcher(M_LINE, toA);
            assertEquals("UDP/TLS/RTP/SAVPF", am.group(2), toA);
            assertEquals("actpass", find(SETUP, toA), toA);
            final String relayFingerprint = find(FINGERPRINT, toA);
            assertNotNull(relayFingerprint, toA);
            final InetSocketAddress relayForA = new InetSocketAddress(LOOPBACK, Integer.parseInt(am.group(1)));

            final String answer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "m=audio " + port(a) + " UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 127.0.0.1\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\na=rtcp-mux\r\na=setup:" + partySetup + "\r\n"
                + "a=fingerprint:sha-256 " + certificate.fingerprint(DtlsFingerprint.SHA_256) + "\r\n";
            final Map<String, Object> answerRequest = request("answer", callId, answer);
            answerRequest.put("from-tag", "B");
            answerRequest.put("to-tag", "A");
            final String toB = sdp(ng.call(answerRequest));
            final Matcher bm = matcher(M_LINE, toB);
            assertEquals("RTP/AVP", bm.group(2), toB);
            assertNull(find(FINGERPRINT, toB), () -> "no DTLS towards the plain side:\n" + toB);
            final int relayForB = Integer.parseInt(bm.group(1));
            assertEquals("passive".equals(relayRole) ? DtlsSrtpSession.Role.CLIENT : DtlsSrtpSession.Role.SERVER,
                DtlsSrtpSession.Role.ofSetup(partySetup));
            exchange(callId, "B", a, b, certificate, DtlsSrtpSession.Role.ofSetup(partySetup), relayFingerprint,
                relayForA, relayForB);
        }
    }

    /**
     * Runs A's DTLS-SRTP endpoint on A's socket against the relay, then checks the media both ways (and that plain
     * RTP from A does not pass).
     */
    private static void exchange(final String callId, final String deleteTag, final DatagramChannel a,
                                 final DatagramChannel b, final DtlsCertificate certificate,
                                 final DtlsSrtpSession.Role role, final String relayFingerprint,
                                 final InetSocketAddress relayForA, final int relayForB) throws Exception {
        final CompletableFuture<SrtpPolicy[]> keys = new CompletableFuture<>();
        final LinkedBlockingQueue<byte[]> mediaAtA = new LinkedBlockingQueue<>();
        final DtlsSrtpSession session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT, role, certificate,
            DtlsFingerprint.parse(relayFingerprint),
            (datagram, offset, length) -> send(a, ByteBuffer.wrap(datagram, offset, length).slice(), relayForA),
            new DtlsSrtpSession.Listener() {
                @Override
                public void onConnected(final SrtpProfile profile, final SrtpPolicy localEgress,
                                        final SrtpPolicy remoteIngress) {
                    keys.complete(new SrtpPolicy[] {localEgress, remoteIngress});
                }

                @Override
                public void onFailed(final String reason) {
                    keys.completeExceptionally(new AssertionError("A's handshake failed: " + reason));
                }
            });
        final Thread pump = Thread.ofVirtual().start(() -> pump(a, session, mediaAtA));
        try {
            assertTrue(session.start());
            final SrtpPolicy[] policies = keys.get(WAIT_MS, TimeUnit.MILLISECONDS);
            final SrtpContext aProtect = SrtpContext.create(policies[0]);
            final SrtpContext aUnprotect = SrtpContext.create(policies[1]);
            // the relay's loop takes the handshake's keys a moment after A has them: A repeats until B hears it
            final ByteBuffer fromB = ByteBuffer.allocate(2048);
            byte[] heard = null;
            for (int seq = 1; heard == null && seq <= ATTEMPTS; seq++) {
                send(a, ByteBuffer.wrap(rtp(1000 + seq, 0x0A0A0A0A, 'p')), relayForA);
                send(a, protect(aProtect, rtp(seq, 0x0A0A0A0A, 'a')), relayForA);
                heard = receive(b, fromB, ATTEMPT_MS);
                if (heard != null) {
                    assertEquals('a', (char)heard[12], "B hears A's SRTP as plain RTP, never A's plain RTP");
                    assertArrayEquals(rtp(seq, 0x0A0A0A0A, 'a'), heard, "the packet A protected, unchanged");
                }
            }
            assertNotNull(heard, "B heard A");
            // and B to A: SRTP under the handshake's keys once the loop has them, never B's plain RTP
            byte[] authenticated = null;
            for (int seq = 1; authenticated == null && seq <= ATTEMPTS; seq++) {
                final byte[] plain = rtp(seq, 0x0B0B0B0B, 'b');
                send(b, ByteBuffer.wrap(plain), new InetSocketAddress(LOOPBACK, relayForB));
                final byte[] srtp = mediaAtA.poll(ATTEMPT_MS, TimeUnit.MILLISECONDS);
                if (srtp == null) {
                    continue;
                }
                assertTrue(srtp.length > plain.length, "A never receives B's RTP in the clear");
                final int length = aUnprotect.unprotectRtp(ByteBuffer.wrap(srtp), 0, srtp.length);
                if (length >= 0) {
                    assertArrayEquals(plain, Arrays.copyOf(srtp, length));
                    authenticated = plain;
                }
            }
            assertNotNull(authenticated, "A received B's media under the keys its handshake exported");
        } finally {
            session.close();
            pump.interrupt();
            ng.call(Map.of("command", "delete", "call-id", callId, "from-tag", deleteTag));
        }
    }

    private static void pump(final DatagramChannel a, final DtlsSrtpSession session,
                             final LinkedBlockingQueue<byte[]> media) {
        final ByteBuffer buf = ByteBuffer.allocate(2048);
        while (!Thread.currentThread().isInterrupted() && a.isOpen()) {
            buf.clear();
            try {
                if (a.receive(buf) == null) {
                    Thread.sleep(1);
                    continue;
                }
            } catch (final IOException | InterruptedException e) {
                return;
            }
            buf.flip();
            final int first = buf.get(0) & 0xFF;
            if (first >= 20 && first <= 63) {
                session.offer(buf, 0, buf.remaining());
            } else {
                final byte[] packet = new byte[buf.remaining()];
                buf.get(packet);
                media.add(packet);
            }
        }
    }

    private static ByteBuffer protect(final SrtpContext context, final byte[] rtp) {
        final ByteBuffer out = ByteBuffer.allocate(rtp.length + 64);
        out.put(rtp).clear();
        final int length = context.protectRtp(out, 0, rtp.length);
        assertTrue(length > rtp.length, "protected: " + length);
        return out.limit(length);
    }

    private static byte[] rtp(final int seq, final int ssrc, final char fill) {
        final byte[] packet = new byte[12 + 160];
        packet[0] = (byte)0x80;
        packet[2] = (byte)(seq >>> 8);
        packet[3] = (byte)seq;
        packet[8] = (byte)(ssrc >>> 24);
        packet[9] = (byte)(ssrc >>> 16);
        packet[10] = (byte)(ssrc >>> 8);
        packet[11] = (byte)ssrc;
        Arrays.fill(packet, 12, packet.length, (byte)fill);
        return packet;
    }

    private static DatagramChannel udp() throws IOException {
        final DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.bind(new InetSocketAddress(LOOPBACK, 0));
        channel.configureBlocking(false);
        return channel;
    }

    private static int port(final DatagramChannel channel) throws IOException {
        return ((InetSocketAddress)channel.getLocalAddress()).getPort();
    }

    private static void send(final DatagramChannel channel, final ByteBuffer datagram, final InetSocketAddress to) {
        try {
            channel.send(datagram, to);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] receive(final DatagramChannel channel, final ByteBuffer buf, final long timeoutMs)
        throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            buf.clear();
            if (channel.receive(buf) != null) {
                buf.flip();
                final byte[] packet = new byte[buf.remaining()];
                buf.get(packet);
                return packet;
            }
            Thread.sleep(1);
        }
        return null;
    }

    private static Map<String, Object> request(final String command, final String callId, final String sdp) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", command);
        request.put("call-id", callId);
        request.put("from-tag", "A");
        request.put("sdp", sdp);
        return request;
    }

    private static String sdp(final Map<String, Object> reply) {
        assertEquals("ok", reply.get("result"), reply::toString);
        return (String)reply.get("sdp");
    }

    private static Matcher matcher(final Pattern pattern, final String text) {
        final Matcher m = pattern.matcher(text);
        assertTrue(m.find(), () -> pattern + " in\n" + text);
        return m;
    }

    private static String find(final Pattern pattern, final String text) {
        final Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
