package io.rtprelay.control.call;

import io.rtprelay.control.sdp.CryptoAttribute;
import io.rtprelay.control.sdp.MediaDescription;
import io.rtprelay.control.sdp.SdesSuite;
import io.rtprelay.control.sdp.SdpException;
import io.rtprelay.control.sdp.SdpParser;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the differential tests cannot show against rtpengine 10.5: the SDES options it does not know yet
 * ({@code only-}, {@code nonew}, documented for later releases) and the keys each side ends up with, which the SDP
 * alone does not show.
 */
class SdesNegotiationTest {
    private static final String K1 = "/0NHmESoXwvqPd+99ihpv7fi8eMhbm4V4I0U/MWs";
    private static final String K2 = "LXScU3TH+2E5U/udgz7DtBulWEI/fms9DT9QM27k";
    private static final String K3 = "e3d+kQ9W4x7DomjPJcP3Kj8EZEMvj1pBH2EbcwW9";

    private final SdesNegotiation sdes =
        new SdesNegotiation(EnumSet.allOf(SdesSuite.class), new SecureRandom());
    private final MediaSession x = new MediaSession(0);
    private final MediaSession y = new MediaSession(0);

    @Test
    void onlyKeepsTheNamedSuitesOfTheOffererAndAddsTheNamedOthers() throws SdpException {
        x.protocol = "RTP/SAVP";
        final List<CryptoAttribute> lines = sdes.offer(x, y, section("RTP/SAVP",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K1, "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + K2),
            null, SdesFlags.of(List.of("only-AES_CM_128_HMAC_SHA1_32", "only-AEAD_AES_128_GCM",
                "no-AEAD_AES_128_GCM")));

        assertEquals(List.of("2 AES_CM_128_HMAC_SHA1_32", "3 AEAD_AES_128_GCM"), tagsAndSuites(lines));
        assertEquals(K2, key(lines.getFirst()));
    }

    @Test
    void nonewHandsTheOfferersKeysOnAndAddsNone() throws SdpException {
        x.protocol = "RTP/SAVP";
        final List<CryptoAttribute> lines = sdes.offer(x, y, section("RTP/SAVP",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K1), null, SdesFlags.of(List.of("nonew")));

        assertEquals(List.of("1 AES_CM_128_HMAC_SHA1_80"), tagsAndSuites(lines));
    }

    @Test
    void theOffererIsAnsweredWithItsTopSuiteEvenWhenNoRemovedIt() throws SdpException {
        x.protocol = "RTP/SAVP";
        final List<CryptoAttribute> offered = sdes.offer(x, y, section("RTP/SAVP",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K1), "RTP/SAVP",
            SdesFlags.of(List.of("no-AES_CM_128_HMAC_SHA1_80")));
        assertFalse(tagsAndSuites(offered).contains("1 AES_CM_128_HMAC_SHA1_80"));
        final CryptoAttribute aead = offered.getFirst();
        assertEquals(SdesSuite.AEAD_AES_256_GCM, aead.suite());
        assertEquals(1, aead.tag(), "like rtpengine, tags count from the lines actually offered");

        final List<CryptoAttribute> answer = sdes.answer(y, x, section("RTP/SAVP",
            "a=crypto:1 AEAD_AES_256_GCM inline:IolmLa2sKzADkhYxCdiZqElno+Tot8DpeDYivFEPHrnYy+zrer2fK193tvs"),
            SdesFlags.none());

        assertEquals(List.of("1 AES_CM_128_HMAC_SHA1_80"), tagsAndSuites(answer));
        assertFalse(answer.getFirst().sameKey(x.partyKey), "the relay answers with a key of its own");
        assertEquals(K1, key(x.partyKey));
        assertEquals(answer.getFirst(), x.relayKey);
        assertEquals(aead, y.relayKey);
        assertEquals(SdesSuite.AEAD_AES_256_GCM, y.partyKey.suite());
    }

    @Test
    void whenTheAnswererTakesAnOfferersKeyBothDirectionsPassThrough() throws SdpException {
        x.protocol = "RTP/SAVP";
        sdes.offer(x, y, section("RTP/SAVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K1), null,
            SdesFlags.none());
        final List<CryptoAttribute> answer = sdes.answer(y, x, section("RTP/SAVP",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + K3), SdesFlags.none());

        assertEquals(K3, key(answer.getFirst()));
        assertTrue(x.partyKey.sameKeying(y.relayKey), "X to Y: X's key is the relay's towards Y");
        assertTrue(y.partyKey.sameKeying(x.relayKey), "Y to X: Y's key is the relay's towards X");
    }

    @Test
    void aPlainOffererBridgedToSrtpHasNoKeysAndTheAnswererTwo() throws SdpException {
        x.protocol = "RTP/AVP";
        final List<CryptoAttribute> offered = sdes.offer(x, y, section("RTP/AVP"), "RTP/SAVP", SdesFlags.none());
        final CryptoAttribute chosen = offered.stream()
            .filter(c -> c.suite() == SdesSuite.AES_CM_128_HMAC_SHA1_32).findFirst().orElseThrow();
        final List<CryptoAttribute> answer = sdes.answer(y, x, section("RTP/SAVP",
            "a=crypto:" + chosen.tag() + " AES_CM_128_HMAC_SHA1_32 inline:" + K2), SdesFlags.none());

        assertTrue(answer.isEmpty());
        assertNull(x.partyKey);
        assertNull(x.relayKey);
        assertEquals(chosen, y.relayKey);
        assertEquals(K2, key(y.partyKey));
        assertEquals(List.of(chosen), y.relayCrypto);
    }

    @Test
    void theRelaysKeysAreRandomAndOfTheSuitesLength() throws SdpException {
        x.protocol = "RTP/AVP";
        final List<CryptoAttribute> a = sdes.offer(x, y, section("RTP/AVP"), "RTP/SAVP", SdesFlags.none());
        final List<CryptoAttribute> b = sdes.offer(new MediaSession(0), new MediaSession(0), section("RTP/AVP"),
            "RTP/SAVP", SdesFlags.none());
        assertEquals(SdesSuite.values().length, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).suite().keySaltLength(), a.get(i).keySalt().length);
            assertFalse(a.get(i).sameKey(b.get(i)), "two calls share a key");
        }
        assertArrayEquals(a.getFirst().keySalt(), y.relayCrypto.getFirst().keySalt());
    }

    private static MediaDescription section(final String protocol, final String... crypto) throws SdpException {
        final List<String> lines = new ArrayList<>(List.of("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-",
            "c=IN IP4 192.0.2.1", "t=0 0", "m=audio 4000 " + protocol + " 0"));
        lines.addAll(List.of(crypto));
        return SdpParser.parse(String.join("\r\n", lines) + "\r\n").media().getFirst();
    }

    private static List<String> tagsAndSuites(final List<CryptoAttribute> lines) {
        return lines.stream().map(c -> c.tag() + " " + c.suite()).toList();
    }

    private static String key(final CryptoAttribute c) {
        return c.toValue(false).split("inline:")[1].split("[| ]")[0];
    }
}
