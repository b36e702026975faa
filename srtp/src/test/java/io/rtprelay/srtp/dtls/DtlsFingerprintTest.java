package io.rtprelay.srtp.dtls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code a=fingerprint} value parser: what browsers and rtpengine write, and errors that say what is wrong. */
class DtlsFingerprintTest {
    /** A Chrome offer's line (its fingerprint of some certificate). */
    private static final String CHROME = "sha-256 "
        + "2B:7E:15:16:28:AE:D2:A6:AB:F7:15:88:09:CF:4F:3C:2B:7E:15:16:28:AE:D2:A6:AB:F7:15:88:09:CF:4F:3C";

    @Test
    void parsesWhatBrowsersWrite() {
        final DtlsFingerprint f = DtlsFingerprint.parse(CHROME);
        assertEquals("sha-256", f.hash());
        assertEquals(32, f.digest().length);
        assertEquals(0x2B, f.digest()[0] & 0xFF);
        assertEquals(CHROME, f.toSdp());
        assertEquals(f, DtlsFingerprint.parse(f.toSdp()));
    }

    @Test
    void isLiberalInCaseAndBlanks() {
        final DtlsFingerprint f = DtlsFingerprint.parse(CHROME);
        assertEquals(f, DtlsFingerprint.parse(CHROME.toLowerCase(java.util.Locale.ROOT)));
        assertEquals(f, DtlsFingerprint.parse("SHA-256 " + CHROME.substring(8)));
        assertEquals(f, DtlsFingerprint.parse("  sha-256 \t  " + CHROME.substring(8) + " \r"));
    }

    @Test
    void everyHashItsLength() {
        final byte[] der = DtlsSrtpSessionInMemoryTest.EC.encoded();
        for (final String hash : new String[] {"sha-1", "sha-224", "sha-256", "sha-384", "sha-512"}) {
            final DtlsFingerprint f = DtlsFingerprint.of(hash, der);
            assertEquals(f, DtlsFingerprint.parse(f.toSdp()));
            assertTrue(f.matches(der));
            assertTrue(DtlsFingerprint.isSupported(hash.toUpperCase(java.util.Locale.ROOT)));
        }
        final byte[] other = der.clone();
        other[other.length - 1] ^= 1;
        assertFalse(DtlsFingerprint.of("sha-256", der).matches(other));
        assertArrayEquals(DtlsFingerprint.of("sha-1", der).digest(), DtlsFingerprint.digest("SHA-1", der));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|is not '<hash-func> <fingerprint>'",
        "sha-256|is not '<hash-func> <fingerprint>'",
        "'sha-256 '|is not '<hash-func> <fingerprint>'",
        "md5 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89|unsupported fingerprint hash function 'md5'",
        "sha-3 AB:CD|unsupported fingerprint hash function 'sha-3'",
        "sha-256 AB:CD|sha-256 fingerprint of 2 bytes, not 32",
        "sha-1 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:0|is not colon-separated hex pairs",
        "sha-1 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:G1|'G1' at 57, not a hex pair",
        "sha-1 AB-CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01|'-' at 2, not ':'",
        "sha-1 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:|is not colon-separated hex pairs",
        "sha-1 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:\u0661\u0662|not a hex pair",
    })
    void refusesWithAReason(final String value, final String reason) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> DtlsFingerprint.parse(value));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void refusesNullAndHugeValues() {
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.parse(null));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> DtlsFingerprint.parse("sha-256 " + "AB:".repeat(100)));
        assertTrue(e.getMessage().contains("more than 256"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DtlsFingerprint("sha-256", new byte[20]));
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.of("md5", new byte[1]));
    }

    @Test
    void setupValuesMapToRoles() {
        assertEquals(DtlsSrtpSession.Role.CLIENT, DtlsSrtpSession.Role.ofSetup("active"));
        assertEquals(DtlsSrtpSession.Role.SERVER, DtlsSrtpSession.Role.ofSetup("passive"));
        assertThrows(IllegalArgumentException.class, () -> DtlsSrtpSession.Role.ofSetup("actpass"));
    }
}
