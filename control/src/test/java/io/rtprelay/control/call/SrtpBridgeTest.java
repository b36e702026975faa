package io.rtprelay.control.call;

import io.rtprelay.control.testkit.Closer;
import io.rtprelay.control.testkit.NgClient;
import io.rtprelay.control.testkit.PerlSrtpPeer;
import io.rtprelay.control.testkit.RtprelayTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rtprelay.control.testkit.RtpLoad.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RTP to SRTP and back through our relay, set up over ng with SDES as Kamailio sets it up, checked by an SRTP
 * implementation independent of ours ({@link PerlSrtpPeer}): the plain side sends RTP and RTCP, the SRTP side must
 * receive packets that authenticate and decrypt under the key the relay offered it; the SRTP side protects with the
 * key it answered with, the plain side must receive the original packets. Across the sequence number wrap (the
 * rollover counter, RFC 3711 §3.3.1). Tampered and replayed SRTP is dropped and counted in query's {@code errors}.
 * Every suite the relay offers that the Perl module speaks (AES-CM and AES-f8), and keys with an MKI.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SrtpBridgeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern M_LINE = Pattern.compile("m=audio (\\d+) (\\S+) ");
    private static final Pattern RTCP_PORT = Pattern.compile("a=rtcp:(\\d+)");
    private static final Pattern CRYPTO = Pattern.compile("a=crypto:(\\d+) (\\S+) inline:([A-Za-z0-9+/=]+)");
    /** Sequence numbers from just before the wrap to after it. */
    private static final int FIRST_SEQ = 65_530;
    private static final int PACKETS = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static RtprelayTarget relay;
    private static NgClient ng;
    private static PerlSrtpPeer perl;
    private final Closer closer = new Closer();

    @BeforeAll
    static void start() {
        assumeTrue(PerlSrtpPeer.isAvailable(), "rtpengine-utils is not installed");
        relay = RtprelayTarget.start();
        ng = new NgClient(relay.ngAddress());
        perl = PerlSrtpPeer.start();
    }

    @AfterAll
    static void stop() {
        if (perl != null) {
            perl.close();
        }
        if (ng != null) {
            ng.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @AfterEach
    void closeParties() throws Exception {
        closer.closeAll();
    }

    /** One party: RTP and RTCP sockets on loopback. */
    private record Party(DatagramSocket rtp, DatagramSocket rtcp) implements AutoCloseable {
        static Party open() throws IOException {
            final DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            final DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            rtp.setSoTimeout(2_000);
            rtcp.setSoTimeout(2_000);
            return new Party(rtp, rtcp);
        }

        String sdp(final String protocol, final String... crypto) {
            final StringBuilder sdp = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n")
                .append("c=IN IP4 127.0.0.1\r\nt=0 0\r\n")
                .append("m=audio ").append(rtp.getLocalPort()).append(' ').append(protocol).append(" 0\r\n")
                .append("a=rtcp:").append(rtcp.getLocalPort()).append("\r\n");
            for (final String c : crypto) {
                sdp.append(c).append("\r\n");
            }
            return sdp.append("a=sendrecv\r\n").toString();
        }

        @Override
        public void close() {
            rtp.close();
            rtcp.close();
        }
    }

    /** What the relay advertised to one party: its ports, protocol and keys (tag, suite, base64 key). */
    private record Advertised(int rtp, int rtcp, String protocol, List<String[]> crypto) {
        static Advertised of(final Map<String, Object> reply) {
            assertEquals("ok", reply.get("result"), () -> "reply: " + reply);
            final String sdp = (String) reply.get("sdp");
            final Matcher m = M_LINE.matcher(sdp);
            assertTrue(m.find(), sdp);
            final Matcher r = RTCP_PORT.matcher(sdp);
            assertTrue(r.find(), sdp);
            final List<String[]> crypto = new ArrayList<>();
            final Matcher c = CRYPTO.matcher(sdp);
            while (c.find()) {
                crypto.add(new String[] {c.group(1), c.group(2), c.group(3)});
            }
            return new Advertised(Integer.parseInt(m.group(1)), Integer.parseInt(r.group(1)), m.group(2), crypto);
        }

        String[] line(final String suite) {
            for (final String[] c : crypto) {
                if (c[1].equals(suite)) {
                    return c;
                }
            }
            throw new AssertionError("no " + suite + " offered: " + crypto.stream().map(c -> c[1]).toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80",
        "AES_192_CM_HMAC_SHA1_32", "F8_128_HMAC_SHA1_80", "F8_128_HMAC_SHA1_32"})
    void plainRtpBridgedToSrtpBothWays(final String suite) throws IOException {
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-bridge-" + suite + "-" + System.nanoTime();
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/AVP"), "transport-protocol", "RTP/SAVP")));
        assertEquals("RTP/SAVP", toB.protocol());
        final String[] relayToB = toB.line(suite);
        final String keyOfB = key(relayToB[2]);
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/SAVP", "a=crypto:" + relayToB[0] + " " + suite + " inline:" + keyOfB))));
        assertEquals("RTP/AVP", toA.protocol());
        assertTrue(toA.crypto().isEmpty(), "the plain side gets no keys");

        for (int i = 0; i < PACKETS; i++) {
            final int seq = (FIRST_SEQ + i) & 0xffff;
            final long roc = FIRST_SEQ + i > 0xffff ? 1 : 0;
            final byte[] plain = rtp(seq, 0x1000 + i);
            send(a.rtp(), toA.rtp(), plain);
            final byte[] srtp = receive(b.rtp());
            assertFalse(Arrays.equals(plain, srtp), "B received plain RTP");
            final PerlSrtpPeer.Unprotected opened = perl.unprotectRtp(suite, relayToB[2], roc, srtp);
            assertTrue(opened.authenticated(), "SRTP " + seq + " does not authenticate under the relay's key");
            assertArrayEquals(plain, opened.packet(), "SRTP " + seq + " does not decrypt to what A sent");

            final byte[] fromB = rtp(seq, 0x2000 + i);
            send(b.rtp(), toB.rtp(), perl.protectRtp(suite, keyOfB, roc, fromB));
            assertArrayEquals(fromB, receive(a.rtp()), "A did not receive B's RTP " + seq + " in plain");
        }
        for (int index = 0; index < 3; index++) {
            final byte[] report = rtcp(0x1000 + index);
            send(a.rtcp(), toA.rtcp(), report);
            final PerlSrtpPeer.Unprotected opened = perl.unprotectRtcp(suite, relayToB[2], receive(b.rtcp()));
            assertTrue(opened.authenticated(), "SRTCP does not authenticate under the relay's key");
            assertArrayEquals(report, opened.packet());
            assertEquals(index, opened.index());

            final byte[] fromB = rtcp(0x2000 + index);
            send(b.rtcp(), toB.rtcp(), perl.protectRtcp(suite, keyOfB, index, fromB));
            assertArrayEquals(fromB, receive(a.rtcp()), "A did not receive B's RTCP in plain");
        }
        final Map<?, ?> media = media(callId, "b");
        assertTrue(((List<?>) media.get("flags")).contains("SDES"), "media flags: " + media);
        assertEquals(suite, stream(media, 0).get("crypto suite"));
        assertEquals(0L, errors(stream(media, 0)));
    }

    @Test
    void tamperedAndReplayedSrtpIsDroppedAndCounted() throws IOException {
        final String suite = "AES_CM_128_HMAC_SHA1_80";
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-tamper-" + System.nanoTime();
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/AVP"), "transport-protocol", "RTP/SAVP")));
        final String[] relayToB = toB.line(suite);
        final String keyOfB = key(relayToB[2]);
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/SAVP", "a=crypto:" + relayToB[0] + " " + suite + " inline:" + keyOfB))));

        final byte[] first = perl.protectRtp(suite, keyOfB, 0, rtp(100, 1));
        send(b.rtp(), toB.rtp(), first);
        assertArrayEquals(rtp(100, 1), receive(a.rtp()));

        final byte[] tampered = perl.protectRtp(suite, keyOfB, 0, rtp(101, 2));
        tampered[20] ^= 0x40;
        send(b.rtp(), toB.rtp(), tampered);
        send(b.rtp(), toB.rtp(), first);
        final byte[] wrongKey = perl.protectRtp(suite, relayToB[2], 0, rtp(102, 3));
        send(b.rtp(), toB.rtp(), wrongKey);
        final byte[] next = rtp(103, 4);
        send(b.rtp(), toB.rtp(), perl.protectRtp(suite, keyOfB, 0, next));
        assertArrayEquals(next, receive(a.rtp()), "after the dropped packets the next good one must pass");
        assertSilent(a.rtp());

        final Map<?, ?> stream = stream(media(callId, "b"), 0);
        assertEquals(3L, errors(stream), "tampered, replayed and wrongly keyed: " + stream);
        assertEquals(0L, errors(stream(media(callId, "a"), 0)));
        assertNotNull(toA);
    }

    @Test
    void anSrtpOfferersKeyWithAnMkiIsReadAndAnotherMkiIsDroppedAndCounted() throws IOException {
        final String suite = "F8_128_HMAC_SHA1_80";
        final String mki = "7:4";
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-mki-" + System.nanoTime();
        final String keyOfA = key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/SAVP", "a=crypto:1 " + suite + " inline:" + keyOfA + "|" + mki),
            "transport-protocol", "RTP/AVP")));
        assertEquals("RTP/AVP", toB.protocol());
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/AVP"))));
        final String[] relayToA = toA.crypto().getFirst();
        assertEquals(suite, relayToA[1]);

        for (int seq = 65_534; seq < 65_538; seq++) {
            final long roc = seq >> 16;
            final byte[] fromA = rtp(seq & 0xffff, 0x5000 + seq);
            send(a.rtp(), toA.rtp(), perl.protectRtp(suite, keyOfA, roc, fromA, mki));
            assertArrayEquals(fromA, receive(b.rtp()), "B did not receive A's RTP " + seq + " in plain");
            final byte[] fromB = rtp(seq & 0xffff, 0x6000 + seq);
            send(b.rtp(), toB.rtp(), fromB);
            final PerlSrtpPeer.Unprotected atA = perl.unprotectRtp(suite, relayToA[2], roc, receive(a.rtp()));
            assertTrue(atA.authenticated(), "the relay's key towards A has no MKI, as rtpengine answers: "
                + atA.failure());
            assertArrayEquals(fromB, atA.packet());
        }
        final byte[] report = rtcp(0x70);
        send(a.rtcp(), toA.rtcp(), perl.protectRtcp(suite, keyOfA, 0, report, mki));
        assertArrayEquals(report, receive(b.rtcp()), "B did not receive A's RTCP in plain");

        send(a.rtp(), toA.rtp(), perl.protectRtp(suite, keyOfA, 1, rtp(10, 1), "8:4"));
        send(a.rtp(), toA.rtp(), perl.protectRtp(suite, keyOfA, 1, rtp(11, 2)));
        send(a.rtcp(), toA.rtcp(), perl.protectRtcp(suite, keyOfA, 1, rtcp(0x71), "7:2"));
        final byte[] next = rtp(12, 3);
        send(a.rtp(), toA.rtp(), perl.protectRtp(suite, keyOfA, 1, next, mki));
        assertArrayEquals(next, receive(b.rtp()), "after the dropped packets the next good one must pass");
        assertSilent(b.rtp());
        assertSilent(b.rtcp());
        final Map<?, ?> media = media(callId, "a");
        assertEquals(2L, errors(stream(media, 0)), "another MKI and none: " + media);
        assertEquals(1L, errors(stream(media, 1)), "an SRTCP MKI of another length: " + media);
    }

    /**
     * The relay protects with a key that carries an MKI when it hands the offerer's key on with other session
     * parameters (here {@code UNENCRYPTED_SRTCP}) and the answerer takes it: what it sends the answerer carries the
     * MKI where RFC 3711 puts it, under a tag the answerer can check.
     */
    @Test
    void aKeyHandedOnWithItsMkiAndOtherSessionParametersIsProtectedWithTheMki() throws IOException {
        final String suite = "AES_CM_128_HMAC_SHA1_32";
        final String mki = "300:2";
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-mki-egress-" + System.nanoTime();
        final String keyOfA = key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        final String keyOfB = key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/SAVP", "a=crypto:1 " + suite + " inline:" + keyOfA + "|" + mki),
            "SDES", List.of("unencrypted_srtcp"))));
        assertEquals(keyOfA, toB.crypto().getFirst()[2], "the offerer's key is handed on");
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/SAVP", "a=crypto:1 " + suite + " inline:" + keyOfB + " UNENCRYPTED_SRTCP"))));
        assertEquals(keyOfB, toA.crypto().getFirst()[2], "the answerer's key is handed back");

        final byte[] report = rtcp(0x33);
        send(a.rtcp(), toA.rtcp(), perl.protectRtcp(suite, keyOfA, 0, report, mki));
        final byte[] atB = receive(b.rtcp());
        assertArrayEquals(report, Arrays.copyOf(atB, report.length), "UNENCRYPTED_SRTCP towards B");
        assertEquals(report.length + 4 + 2 + 10, atB.length, "E and index, the 2-byte MKI, the 80-bit tag");
        assertEquals(0, atB[report.length] & 0x80, "the E flag is clear");
        assertArrayEquals(new byte[] {1, 44}, Arrays.copyOfRange(atB, report.length + 4, report.length + 6),
            "MKI 300 in 2 bytes");
        assertTrue(perl.unprotectRtcp(suite, keyOfA, atB, mki).authenticated(), "B cannot check the relay's tag");
        assertEquals(0L, errors(stream(media(callId, "a"), 1)));
    }

    @Test
    void srtpOnBothSidesWithDifferentKeys() throws IOException {
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-both-" + System.nanoTime();
        final String keyOfA = key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + keyOfA))));
        assertEquals(keyOfA, toB.crypto().getFirst()[2], "rtpengine hands the offerer's key on");
        final String[] relayToB = toB.line("AES_256_CM_HMAC_SHA1_80");
        final String keyOfB = key(relayToB[2]);
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/SAVP", "a=crypto:" + relayToB[0] + " AES_256_CM_HMAC_SHA1_80 inline:" + keyOfB))));
        assertEquals(1, toA.crypto().size());
        final String[] relayToA = toA.crypto().getFirst();
        assertEquals("1", relayToA[0]);
        assertEquals("AES_CM_128_HMAC_SHA1_80", relayToA[1]);
        assertFalse(relayToA[2].equals(keyOfA), "the relay answers A with a key of its own");

        for (int seq = 1; seq <= 3; seq++) {
            final byte[] fromA = rtp(seq, 0x3000 + seq);
            send(a.rtp(), toA.rtp(), perl.protectRtp("AES_CM_128_HMAC_SHA1_80", keyOfA, 0, fromA));
            final PerlSrtpPeer.Unprotected atB = perl.unprotectRtp("AES_256_CM_HMAC_SHA1_80", relayToB[2], 0,
                receive(b.rtp()));
            assertTrue(atB.authenticated(), "B cannot authenticate what the relay re-keyed");
            assertArrayEquals(fromA, atB.packet());

            final byte[] fromB = rtp(seq, 0x4000 + seq);
            send(b.rtp(), toB.rtp(), perl.protectRtp("AES_256_CM_HMAC_SHA1_80", keyOfB, 0, fromB));
            final PerlSrtpPeer.Unprotected atA = perl.unprotectRtp("AES_CM_128_HMAC_SHA1_80", relayToA[2], 0,
                receive(a.rtp()));
            assertTrue(atA.authenticated(), "A cannot authenticate what the relay re-keyed");
            assertArrayEquals(fromB, atA.packet());
        }
    }

    /** rtpengine's silence media on SRTP: silenced between unprotect and protect, so B's SRTP still authenticates. */
    @Test
    void silencedSrtpIsSilenceUnderTheRelaysKeyAndBlockedSrtpIsACountedDrop() throws IOException {
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-silence-" + System.nanoTime();
        final String keyOfA = key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + keyOfA))));
        final String[] relayToB = toB.line("AES_256_CM_HMAC_SHA1_80");
        final String keyOfB = key(relayToB[2]);
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/SAVP", "a=crypto:" + relayToB[0] + " AES_256_CM_HMAC_SHA1_80 inline:" + keyOfB))));
        assertEquals(Map.of("result", "ok"), ng.call(request("silence media", callId, "from-tag", "a")));
        for (int seq = 1; seq <= 3; seq++) {
            final byte[] fromA = rtp(seq, 0x5000 + seq);
            send(a.rtp(), toA.rtp(), perl.protectRtp("AES_CM_128_HMAC_SHA1_80", keyOfA, 0, fromA));
            final PerlSrtpPeer.Unprotected atB = perl.unprotectRtp("AES_256_CM_HMAC_SHA1_80", relayToB[2], 0,
                receive(b.rtp()));
            assertTrue(atB.authenticated(), "B cannot authenticate the silenced packet");
            final byte[] silenced = fromA.clone();
            Arrays.fill(silenced, 12, silenced.length, (byte)0xFF);
            assertArrayEquals(silenced, atB.packet(), "PCMU silence is 0xFF, the header is A's");
        }
        assertEquals(Map.of("result", "ok"), ng.call(request("block media", callId, "from-tag", "a")));
        send(a.rtp(), toA.rtp(), perl.protectRtp("AES_CM_128_HMAC_SHA1_80", keyOfA, 0, rtp(4, 0x5004)));
        assertSilent(b.rtp());
        assertEquals(1L, errors(stream(media(callId, "a"), 0)), "the blocked packet is a counted drop");
    }

    @Test
    void whenTheAnswererTakesTheOfferersKeyPacketsPassUntouched() throws IOException {
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-pass-" + System.nanoTime();
        final String keyOfA = key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        final String keyOfB = key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + keyOfA))));
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + keyOfB))));
        assertEquals(keyOfB, toA.crypto().getFirst()[2], "rtpengine hands the answerer's key back");

        final byte[] fromA = perl.protectRtp("AES_CM_128_HMAC_SHA1_80", keyOfA, 0, rtp(7, 7));
        send(a.rtp(), toA.rtp(), fromA);
        assertArrayEquals(fromA, receive(b.rtp()));
        final byte[] fromB = perl.protectRtp("AES_CM_128_HMAC_SHA1_80", keyOfB, 0, rtp(9, 9));
        send(b.rtp(), toB.rtp(), fromB);
        assertArrayEquals(fromB, receive(a.rtp()));
    }

    @Test
    void aReOfferWithTheSameKeysKeepsRolloverCountersAndReplayWindows() throws IOException {
        final String suite = "AES_CM_128_HMAC_SHA1_80";
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-reoffer-" + System.nanoTime();
        final Map<String, Object> offer = request("offer", callId, "from-tag", "a", "sdp", a.sdp("RTP/AVP"),
            "transport-protocol", "RTP/SAVP");
        final Advertised toB = Advertised.of(ng.call(offer));
        final String[] relayToB = toB.line(suite);
        final String keyOfB = key(relayToB[2]);
        final Map<String, Object> answer = request("answer", callId, "from-tag", "a", "to-tag", "b", "sdp",
            b.sdp("RTP/SAVP", "a=crypto:" + relayToB[0] + " " + suite + " inline:" + keyOfB));
        final Advertised toA = Advertised.of(ng.call(answer));

        send(a.rtp(), toA.rtp(), rtp(0xffff, 1));
        assertTrue(perl.unprotectRtp(suite, relayToB[2], 0, receive(b.rtp())).authenticated());
        final byte[] fromB = perl.protectRtp(suite, keyOfB, 0, rtp(10, 2));
        send(b.rtp(), toB.rtp(), fromB);
        assertArrayEquals(rtp(10, 2), receive(a.rtp()));

        final Advertised again = Advertised.of(ng.call(offer));
        assertEquals(relayToB[0], again.crypto().getFirst()[0], "the chosen key comes first again");
        assertEquals(relayToB[2], again.crypto().getFirst()[2], "the chosen key is kept");
        assertEquals(toA.rtp(), Advertised.of(ng.call(answer)).rtp());

        send(a.rtp(), toA.rtp(), rtp(0, 3));
        final PerlSrtpPeer.Unprotected wrapped = perl.unprotectRtp(suite, relayToB[2], 1, receive(b.rtp()));
        assertTrue(wrapped.authenticated(), "the relay forgot its rollover counter towards B");
        assertArrayEquals(rtp(0, 3), wrapped.packet());
        send(b.rtp(), toB.rtp(), fromB);
        send(b.rtp(), toB.rtp(), perl.protectRtp(suite, keyOfB, 0, rtp(11, 4)));
        assertArrayEquals(rtp(11, 4), receive(a.rtp()), "the replayed packet must not come through");
        assertEquals(1L, errors(stream(media(callId, "b"), 0)), "the replay is counted");
    }

    @Test
    void rtcpMultiplexedOnTheRtpPortIsBridgedAsSrtcp() throws IOException {
        final String suite = "AES_CM_128_HMAC_SHA1_32";
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-mux-" + System.nanoTime();
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/AVPF", "a=rtcp-mux"), "transport-protocol", "RTP/SAVPF")));
        assertEquals("RTP/SAVPF", toB.protocol());
        final String[] relayToB = toB.line(suite);
        final String keyOfB = key(relayToB[2]);
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/SAVPF", "a=rtcp-mux", "a=crypto:" + relayToB[0] + " " + suite + " inline:" + keyOfB))));
        assertEquals(toA.rtp(), toA.rtcp(), "the relay multiplexes towards A");

        final byte[] report = rtcp(5);
        send(a.rtp(), toA.rtp(), report);
        final PerlSrtpPeer.Unprotected atB = perl.unprotectRtcp(suite, relayToB[2], receive(b.rtp()));
        assertTrue(atB.authenticated(), "multiplexed RTCP must arrive as SRTCP");
        assertArrayEquals(report, atB.packet());
        send(b.rtp(), toB.rtp(), perl.protectRtcp(suite, keyOfB, 0, rtcp(6)));
        assertArrayEquals(rtcp(6), receive(a.rtp()));
        send(b.rtp(), toB.rtp(), perl.protectRtp(suite, keyOfB, 0, rtp(1, 7)));
        assertArrayEquals(rtp(1, 7), receive(a.rtp()));
    }

    @Test
    void anSrtpAnswererWithoutAKeyGetsNoPlainRtpAndNothingItSendsPasses() throws IOException {
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final String callId = "srtp-keyless-" + System.nanoTime();
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/AVP"), "transport-protocol", "RTP/SAVP",
            "SDES", List.of("no-AEAD_AES_256_GCM", "no-AEAD_AES_128_GCM"))));
        final String[] first = toB.crypto().getFirst();
        assertEquals("AES_256_CM_HMAC_SHA1_80", first[1]);
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/SAVP"))));

        final byte[] plain = rtp(20, 5);
        send(a.rtp(), toA.rtp(), plain);
        final byte[] atB = receive(b.rtp());
        assertFalse(Arrays.equals(plain, atB), "plain RTP went to a party that asked for SRTP");
        assertArrayEquals(plain, perl.unprotectRtp(first[1], first[2], 0, atB).packet(),
            "like rtpengine, the relay protects with its first offered key");
        send(b.rtp(), toB.rtp(), rtp(21, 6));
        assertSilent(a.rtp());
        assertEquals(1L, errors(stream(media(callId, "b"), 0)));
    }

    /**
     * RTP Bleed on an SRTP call, through the daemon on real sockets: C, a third socket on B's host, sends to the relay
     * port that serves the SRTP party B, in the learning window right after B's first packets and again after the
     * window: a copy of B's packet with one bit flipped (fails authentication), a packet under a key only C knows,
     * plain RTP, and a replay of B's packet. Under the relay's defaults and under {@code media-handover} (the most
     * permissive flag) nothing of it reaches A, every one is counted, C never receives A's audio and B keeps it.
     */
    @ParameterizedTest(name = "flags={0}")
    @ValueSource(strings = {"", "media-handover"})
    void aThirdPartyCannotTakeOverAnSrtpStreamWithPacketsThatDoNotAuthenticate(final String flag)
        throws IOException, InterruptedException {
        final String suite = "AES_CM_128_HMAC_SHA1_80";
        final Party a = closer.track(Party.open());
        final Party b = closer.track(Party.open());
        final Party c = closer.track(Party.open());
        final List<String> flags = flag.isEmpty() ? List.of() : List.of(flag);
        final String callId = "srtp-bleed-" + flag + "-" + System.nanoTime();
        final Advertised toB = Advertised.of(ng.call(request("offer", callId, "from-tag", "a", "sdp",
            a.sdp("RTP/AVP"), "transport-protocol", "RTP/SAVP", "flags", flags)));
        final String[] relayToB = toB.line(suite);
        final String keyOfB = key(relayToB[2]);
        final Advertised toA = Advertised.of(ng.call(request("answer", callId, "from-tag", "a", "to-tag", "b",
            "sdp", b.sdp("RTP/SAVP", "a=crypto:" + relayToB[0] + " " + suite + " inline:" + keyOfB),
            "flags", flags)));
        final long answeredNs = System.nanoTime();
        int seq = 1;
        long refused = 0;
        for (final boolean inWindow : new boolean[] {true, false}) {
            if (!inWindow) {
                final long windowOverNs = answeredNs + 3_500_000_000L;
                while (System.nanoTime() - windowOverNs < 0) {
                    TimeUnit.NANOSECONDS.sleep(windowOverNs - System.nanoTime());
                }
            }
            final byte[] fromB = perl.protectRtp(suite, keyOfB, 0, rtp(seq, 0x10));
            send(b.rtp(), toB.rtp(), fromB);
            assertArrayEquals(rtp(seq++, 0x10), receive(a.rtp()), "A gets B's audio");
            final byte[] tampered = perl.protectRtp(suite, keyOfB, 0, rtp(seq++, 0x20));
            tampered[30] ^= 0x01;
            send(c.rtp(), toB.rtp(), tampered);
            send(c.rtp(), toB.rtp(), perl.protectRtp(suite, key(relayToB[2]), 0, rtp(seq++, 0x30)));
            send(c.rtp(), toB.rtp(), rtp(seq++, 0x40));
            send(c.rtp(), toB.rtp(), fromB);
            refused += 4;
            for (int i = 0; i < 5; i++) {
                final byte[] fromA = rtp(seq++, 0x50 + i);
                send(a.rtp(), toA.rtp(), fromA);
                final PerlSrtpPeer.Unprotected atB = perl.unprotectRtp(suite, relayToB[2], 0, receive(b.rtp()));
                assertTrue(atB.authenticated(), (inWindow ? "in" : "after") + " the window B keeps A's audio");
                assertArrayEquals(fromA, atB.packet());
            }
            assertSilent(c.rtp());
            assertSilent(a.rtp());
        }
        final Map<?, ?> streamOfB = stream(media(callId, "b"), 0);
        assertEquals(refused, errors(streamOfB), "every packet of C dropped and counted: " + streamOfB);
        assertEquals(0L, ((Number) streamOfB.get("relatches")).longValue(), "B's endpoint never moved");
    }

    /** A fresh random key of the same length as the given base64 key. */
    private static String key(final String like) {
        final byte[] key = new byte[Base64.getDecoder().decode(like).length];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private Map<?, ?> media(final String callId, final String tag) {
        final Map<String, Object> reply = ng.call(request("query", callId));
        assertEquals("ok", reply.get("result"), () -> "query: " + reply);
        final Map<?, ?> tags = (Map<?, ?>) reply.get("tags");
        final Map<?, ?> party = (Map<?, ?>) tags.get(tag);
        return (Map<?, ?>) ((List<?>) party.get("medias")).getFirst();
    }

    private static Map<?, ?> stream(final Map<?, ?> media, final int index) {
        return (Map<?, ?>) ((List<?>) media.get("streams")).get(index);
    }

    private static long errors(final Map<?, ?> stream) {
        return (Long) ((Map<?, ?>) stream.get("stats")).get("errors");
    }


    private static void send(final DatagramSocket from, final int toPort, final byte[] packet) throws IOException {
        from.send(new DatagramPacket(packet, packet.length, new InetSocketAddress(LOOPBACK, toPort)));
    }

    private static byte[] receive(final DatagramSocket socket) throws IOException {
        final DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    /** Nothing more arrives within 300 ms: what the relay dropped stays dropped. */
    private static void assertSilent(final DatagramSocket socket) throws IOException {
        final int timeout = socket.getSoTimeout();
        socket.setSoTimeout(300);
        try {
            final byte[] extra = receive(socket);
            throw new AssertionError("a dropped packet came through: " + extra.length + " bytes");
        } catch (final SocketTimeoutException expected) {
            // nothing came
        } finally {
            socket.setSoTimeout(timeout);
        }
    }

    /** RTP, PCMU, SSRC 0x2a, 160 bytes of payload that differ per packet. */
    private static byte[] rtp(final int seq, final int fill) {
        final byte[] packet = new byte[172];
        packet[0] = (byte) 0x80;
        packet[2] = (byte) (seq >> 8);
        packet[3] = (byte) seq;
        packet[7] = (byte) seq;
        packet[11] = 42;
        for (int i = 12; i < packet.length; i++) {
            packet[i] = (byte) (fill + i);
        }
        return packet;
    }

    /** An RTCP receiver report (RFC 3550 §6.4.2) with one report block. */
    private static byte[] rtcp(final int fill) {
        final byte[] packet = new byte[32];
        packet[0] = (byte) 0x81;
        packet[1] = (byte) 201;
        packet[3] = 7;
        packet[7] = 42;
        for (int i = 8; i < packet.length; i++) {
            packet[i] = (byte) (fill + i);
        }
        return packet;
    }
}
