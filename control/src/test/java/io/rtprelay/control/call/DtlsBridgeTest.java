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
            final CompletableFuture<SrtpPolicy[]> keys = new CompletableFuture<>();
            final LinkedBlockingQueue<byte[]> mediaAtA = new LinkedBlockingQueue<>();
            final DtlsSrtpSession[] session = new DtlsSrtpSession[1];
            session[0] = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
                "active".equals(relaySetup) ? DtlsSrtpSession.Role.SERVER : DtlsSrtpSession.Role.CLIENT,
                certificate, DtlsFingerprint.parse(relayFingerprint),
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
            final Thread pump = Thread.ofVirtual().start(() -> pump(a, session[0], mediaAtA));
            try (DatagramChannel c = udp()) {
                // a third party's DTLS-looking records at A's relay port, before and during the handshake: ignored
                final byte[] junk = new byte[64];
                junk[0] = 22;
                send(c, ByteBuffer.wrap(junk), relayForA);
                assertTrue(session[0].start());
                send(c, ByteBuffer.wrap(junk), relayForA);
                final SrtpPolicy[] policies = keys.get(WAIT_MS, TimeUnit.MILLISECONDS);
                final SrtpContext aProtect = SrtpContext.create(policies[0]);
                final SrtpContext aUnprotect = SrtpContext.create(policies[1]);

                // A -> B: SRTP in, the original RTP out; plain RTP from A is dropped
                final byte[] fromA = rtp(1, 0x0A0A0A0A, 'a');
                // (one socket to one socket over loopback, one event loop: had the plain packet passed, B would read it
                // first)
                send(a, ByteBuffer.wrap(rtp(7, 0x0A0A0A0A, 'p')), relayForA);
                send(a, protect(aProtect, fromA), relayForA);
                assertArrayEquals(fromA, receive(b), "B hears A's RTP as A sent it (the plain packet before: never)");

                // B -> A: plain in, SRTP under the handshake's keys out
                final byte[] fromB = rtp(1, 0x0B0B0B0B, 'b');
                send(b, ByteBuffer.wrap(fromB), new InetSocketAddress(LOOPBACK, relayForB));
                final byte[] srtp = mediaAtA.poll(WAIT_MS, TimeUnit.MILLISECONDS);
                assertNotNull(srtp, "A received B's media");
                final ByteBuffer in = ByteBuffer.wrap(srtp);
                final int length = aUnprotect.unprotectRtp(in, 0, srtp.length);
                assertEquals(fromB.length, length, "authenticates under the keys A's handshake exported");
                assertArrayEquals(fromB, Arrays.copyOf(srtp, length));
            } finally {
                session[0].close();
                pump.interrupt();
                ng.call(Map.of("command", "delete", "call-id", callId, "from-tag", "A"));
            }
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

    private static byte[] receive(final DatagramChannel channel) throws Exception {
        final ByteBuffer buf = ByteBuffer.allocate(2048);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
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
        throw new AssertionError("nothing received in " + WAIT_MS + " ms");
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
