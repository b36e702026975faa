package io.rtprelay.control.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.rtprelay.srtp.SrtpPolicy;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Coverage-guided fuzzing of SDES {@code a=crypto} parsing (RFC 4568; docs/FUZZING.md): any value either parses or
 * raises {@link SdpException}; what parses has a key of its suite's length and an MKI that fits its length, and
 * writes (padded or not) to a value
 * that parses back to the same attribute. Seeds: the corpus's and the RFCs' {@code a=crypto} lines, in
 * {@code CryptoAttributeFuzzTestInputs/}.
 */
class CryptoAttributeFuzzTest {
    @FuzzTest
    void parsesOrRefusesAndWritesWhatParses(final byte[] input) {
        final CryptoAttribute parsed;
        try {
            parsed = CryptoAttribute.parse(new String(input, StandardCharsets.ISO_8859_1));
        } catch (final SdpException expected) {
            return;
        }
        assertEquals(parsed.suite().keySaltLength(), parsed.keySalt().length);
        assertEquals(parsed.suite().masterKeyLength(), parsed.masterKey().length);
        assertEquals(parsed.suite().masterSaltLength(), parsed.masterSalt().length);
        // what the conductor turns an accepted MKI into (MediaCrypto): the SRTP packets' MKI field
        assertEquals(parsed.mkiLength(), SrtpPolicy.mkiField(parsed.mkiValue(), parsed.mkiLength()).length);
        for (final boolean pad : new boolean[] {false, true}) {
            final String written = parsed.toValue(pad);
            try {
                assertEquals(parsed, CryptoAttribute.parse(written), written);
            } catch (final SdpException e) {
                throw new AssertionError("what we write does not parse: " + written + ": " + e.getMessage(), e);
            }
        }
    }
}
