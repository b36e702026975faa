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
}
