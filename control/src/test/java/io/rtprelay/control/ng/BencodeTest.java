package io.rtprelay.control.ng;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BencodeTest {
    private static Object decode(final String s) throws BencodeException {
        final byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Bencode.decode(b, 0, b.length);
    }

    @Test
    void decodesAnNgOfferDictionaryInArrivalOrder() throws BencodeException {
        final Object value = decode("d7:command5:offer7:call-id3:abc5:flagsl10:trust-addre3:sdp2:v=e");
        final Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("command", "offer");
        expected.put("call-id", "abc");
        expected.put("flags", List.of("trust-addr"));
        expected.put("sdp", "v=");
        assertEquals(expected, value);
        assertEquals(List.of("command", "call-id", "flags", "sdp"), List.copyOf(((Map<?, ?>)value).keySet()));
    }

    @Test
    void roundTripsEveryByteValueOfAString() throws BencodeException {
        final byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte)i;
        }
        final byte[] encoded = Bencode.encode(Map.of("sdp", all));
        final Map<String, Object> decoded = Bencode.decodeDictionary(encoded, 0, encoded.length);
        assertArrayEquals(all, ((String)decoded.get("sdp")).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void encodesIntegersAndNestedValues() {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("result", "ok");
        map.put("n", -42L);
        map.put("l", List.of(1, "x"));
        assertEquals("d6:result2:ok1:ni-42e1:lli1e1:xee",
            new String(Bencode.encode(map), StandardCharsets.ISO_8859_1));
    }

    @Test
    void rejectsMalformedInput() {
        for (final String bad : List.of("", "d", "d3:abc", "d3:abci1e", "i12", "ie", "i-0e", "i03e", "5:abc",
            "d1:a1:bextra", "di1e1:ae", "x", "05:abcde", "l", "d3:key99999999999:ve", "i1234567890123456789012e")) {
            assertThrows(BencodeException.class, () -> decode(bad), bad);
        }
    }

    @Test
    void refusesNestingBeyondTheLimit() {
        final String deep = "l".repeat(Bencode.MAX_DEPTH + 1) + "e".repeat(Bencode.MAX_DEPTH + 1);
        assertThrows(BencodeException.class, () -> decode(deep));
    }

    @Test
    void decodeDictionaryRefusesOtherTopLevelValues() {
        final byte[] list = "le".getBytes(StandardCharsets.US_ASCII);
        assertThrows(BencodeException.class, () -> Bencode.decodeDictionary(list, 0, list.length));
    }

    private static Map<String, Object> ng(final String s) throws BencodeException {
        final byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Bencode.decodeNgRequest(b, 0, b.length);
    }

    @Test
    void strictDecodingTakesTheWholeLongRange() throws BencodeException {
        assertEquals(Long.MAX_VALUE, decode("i9223372036854775807e"));
        assertEquals(Long.MIN_VALUE, decode("i-9223372036854775808e"));
        assertThrows(BencodeException.class, () -> decode("i9223372036854775808e"));
    }

    @Test
    void theFirstValueOfARepeatedKeyWinsAsInRtpengine() throws BencodeException {
        assertEquals("ping", ng("d7:command4:ping7:commandi5ee").get("command"));
        assertEquals("a", ((Map<?, ?>)decode("d1:k1:a1:k1:be")).get("k"));
    }

    /** Each of these is answered by rtpengine 10.5 as a well-formed request (observed with raw datagrams). */
    @Test
    void acceptsWhatRtpenginesDecoderAccepts() throws BencodeException {
        assertEquals(Map.of("command", "ping"), ng("d7:command4:ping"));
        assertEquals(Map.of(), ng("d"));
        assertEquals(Map.of("command", "ping"), ng("d7:command4:pinge trailing bytes"));
        assertEquals(Map.of("command", "ping"), ng("d7:command4:pingeeeee"));
        assertEquals(List.of(), ng("d7:command4:ping3:fool").get("foo"));
        assertEquals(List.of("a"), ng("d7:command4:ping3:fool1:a").get("foo"));
        assertEquals(Map.of(), ng("d7:command4:ping3:food").get("foo"));
        assertEquals(0L, ng("d3:fooi-0ee").get("foo"));
        assertEquals(5L, ng("d3:fooi 5ee").get("foo"));
        assertEquals(5L, ng("d3:fooi+5ee").get("foo"));
        assertEquals(-5L, ng("d3:fooi-05ee").get("foo"));
        assertEquals(Long.MAX_VALUE, ng("d3:fooi99999999999999999999ee").get("foo"));
        assertEquals(Long.MIN_VALUE, ng("d3:fooi-99999999999999999999ee").get("foo"));
        assertEquals("", ng("d3:foo0:e").get("foo"));
    }

    /** Each of these gets "Could not decode bencode dictionary" from rtpengine 10.5. */
    @Test
    void refusesWhatRtpenginesDecoderRefuses() {
        for (final String bad : List.of("d7:command4:pin", "d7:command4:", "d7:command4", "d7:command", "d7:comm",
            "d7:", "d7", "d7:command4:ping3:fooe", "d7:command4:ping3:foo", "d7:command4:ping3:fooi5",
            "d7:command4:ping3:fooi05ee", "d7:command4:ping3:fooiee", "d7:command4:ping3:fooixee",
            "d7:command4:ping3:foo05:abcdee", "d7:command4:ping3:foo-1:ae", "d7:command4:ping3:fooxe",
            "d7:command4:ping3:foo999999999999:ae", "d07:command4:pinge", "d7:command04:pinge",
            "dd7:command4:pingee", "dl1:ae7:command4:pinge", "d7:command4:pingdee", "d3:foo+5:abcde",
            "d3:foo 5:abcde", "d 7:command4:pinge", "d7:command 4:pinge", "d3:fooi-e", "d3:fooi- 5ee")) {
            assertThrows(BencodeException.class, () -> ng(bad), bad);
        }
    }

    @Test
    void theNgDecoderStillBoundsNesting() {
        assertThrows(BencodeException.class, () -> ng("d1:a" + "l".repeat(Bencode.MAX_DEPTH + 1)));
    }
}
