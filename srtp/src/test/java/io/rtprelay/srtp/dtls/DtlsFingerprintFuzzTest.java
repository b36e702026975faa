package io.rtprelay.srtp.dtls;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the {@code a=fingerprint} value parser (docs/FUZZING.md): {@link DtlsFingerprint#parse}
 * returns or throws {@link IllegalArgumentException} with a message, nothing else; what parses has one of the five
 * hashes and its digest length, and writes ({@link DtlsFingerprint#toSdp()}, upper-case hex pairs) to a value that
 * parses back to the same fingerprint. Seeds: browser-style lines of every hash, upper and lower case, and md5.
 */
class DtlsFingerprintFuzzTest {
    @FuzzTest
    void parseRefusesOrRoundTrips(final byte[] input) {
        final String value = new String(input, StandardCharsets.UTF_8);
        final DtlsFingerprint parsed;
        try {
            parsed = DtlsFingerprint.parse(value);
        } catch (final IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        assertTrue(DtlsFingerprint.isSupported(parsed.hash()), parsed.hash());
        final String written = parsed.toSdp();
        assertTrue(written.matches("sha-(1|224|256|384|512) ([0-9A-F]{2}:)*[0-9A-F]{2}"), written);
        assertEquals(parsed, DtlsFingerprint.parse(written));
        assertEquals(written, DtlsFingerprint.parse(written).toSdp());
    }
}
