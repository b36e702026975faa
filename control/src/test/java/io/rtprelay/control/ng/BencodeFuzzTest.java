package io.rtprelay.control.ng;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Coverage-guided fuzzing of the bencode decoders (docs/FUZZING.md): any bytes either decode or raise
 * {@link BencodeException}, never anything else, and whatever decodes encodes to bytes that decode to the same value
 * and re-encode to the same bytes. Seeds: real ng requests, in {@code BencodeFuzzTestInputs/}.
 */
class BencodeFuzzTest {
    @FuzzTest
    void decodesOrRefusesAndWhatDecodesRoundTrips(final byte[] input) {
        final Object strict;
        try {
            strict = Bencode.decode(input, 0, input.length);
        } catch (final BencodeException expected) {
            lenient(input);
            return;
        }
        final byte[] encoded = Bencode.encode(strict);
        final Object again = decodeOrFail(encoded);
        assertEquals(strict, again);
        assertArrayEquals(encoded, Bencode.encode(again));
        lenient(input);
    }

    /** rtpengine's lenient request decoder: a dictionary or a refusal; what it accepts round-trips strictly. */
    private static void lenient(final byte[] input) {
        final Map<String, Object> request;
        try {
            request = Bencode.decodeNgRequest(input, 0, input.length);
        } catch (final BencodeException expected) {
            return;
        }
        final byte[] encoded = Bencode.encode(request);
        assertEquals(request, decodeOrFail(encoded));
    }

    private static Object decodeOrFail(final byte[] encoded) {
        try {
            return Bencode.decode(encoded, 0, encoded.length);
        } catch (final BencodeException e) {
            throw new AssertionError("our own encoding does not decode: " + e.getMessage(), e);
        }
    }
}
