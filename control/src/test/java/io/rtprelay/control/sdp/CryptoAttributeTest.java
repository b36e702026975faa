package io.rtprelay.control.sdp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 4568 §9.1 {@code a=crypto} values, read and written as rtpengine 10.5 reads and writes them. */
class CryptoAttributeTest {
    private static final String KEY30 = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

    @Test
    void readsTagSuiteKeyLifetimeMkiAndTheSessionParametersRtpengineKeeps() throws SdpException {
        final CryptoAttribute c = CryptoAttribute.parse(
            "5 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|2^20|1:4 UNENCRYPTED_SRTCP KDR=3 UNAUTHENTICATED_SRTP");

        assertEquals(5, c.tag());
        assertEquals(SdesSuite.AES_CM_128_HMAC_SHA1_80, c.suite());
        assertEquals(16, c.masterKey().length);
        assertEquals(14, c.masterSalt().length);
        assertEquals("2^20", c.lifetime());
        assertEquals("1:4", c.mki());
        assertEquals(4, c.mkiLength());
        assertFalse(c.unencryptedSrtp());
        assertTrue(c.unencryptedSrtcp());
        assertTrue(c.unauthenticatedSrtp());
        assertEquals("5 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|2^20|1:4 UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP",
            c.toValue(false));
    }

    @Test
    void suiteNamesAreReadInAnyCaseAndWrittenInCapitals() throws SdpException {
        assertEquals("1 AES_CM_128_HMAC_SHA1_32 inline:" + KEY30,
            CryptoAttribute.parse("1 aes_cm_128_hmac_sha1_32 inline:" + KEY30).toValue(false));
    }

    @Test
    void keysAreWrittenWithoutBase64PaddingUnlessAskedFor() throws SdpException {
        final String padded = "7TIGwBdl2LcPtdsf4A8X20I/YZ6Klxu5be386MJTPGykiGHrW7HK0lkUz/Euhw==";
        final CryptoAttribute c = CryptoAttribute.parse("3 AES_256_CM_HMAC_SHA1_80 inline:" + padded);

        assertEquals("3 AES_256_CM_HMAC_SHA1_80 inline:" + padded.replace("=", ""), c.toValue(false));
        assertEquals("3 AES_256_CM_HMAC_SHA1_80 inline:" + padded, c.toValue(true));
        assertEquals(c, CryptoAttribute.parse("3 AES_256_CM_HMAC_SHA1_80 inline:" + padded.replace("=", "")));
    }

    @Test
    void onlyTheFirstOfSeveralKeysIsUsed() throws SdpException {
        final CryptoAttribute c = CryptoAttribute.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30
            + "|2^20|1:4;inline:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|2^20|2:4");
        assertEquals("1:4", c.mki());
        assertEquals("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|2^20|1:4", c.toValue(false));
    }

    @Test
    void aLifetimeWithoutMkiAndAnMkiWithoutLifetimeAreToldApart() throws SdpException {
        final CryptoAttribute lifetime = CryptoAttribute.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|1^20");
        final CryptoAttribute mki = CryptoAttribute.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|7:2");
        assertEquals("1^20", lifetime.lifetime());
        assertNull(lifetime.mki());
        assertNull(mki.lifetime());
        assertEquals(2, mki.mkiLength());
    }

    /**
     * The MKI as rtpengine 10.5 reads it and writes it back (observed with the real daemon): the value keeps its low
     * 32 bits (read saturating at 2^64-1), and only the length's bytes below four; lengths 0 and 256 mean none.
     */
    @ParameterizedTest
    @CsvSource({
        "1:4, 1:4, 1, 4",
        "300:1, 44:1, 44, 1",
        "65537:2, 1:2, 1, 2",
        "4294967297:1, 1:1, 1, 1",
        "4294967296:8, 0:8, 0, 8",
        "99999999999:4, 1215752191:4, 1215752191, 4",
        "99999999999999999999999:4, 4294967295:4, 4294967295, 4",
        "4294967295:2, 65535:2, 65535, 2",
        "012:4, 12:4, 12, 4",
        "1:0010, 1:10, 1, 10",
        "1:255, 1:255, 1, 255",
        "7:3, 7:3, 7, 3"})
    void readsTheMkiAsRtpengineDoes(final String written, final String read, final long value, final int length)
        throws SdpException {
        final CryptoAttribute c = CryptoAttribute.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|" + written);
        assertEquals(read, c.mki());
        assertEquals(value, c.mkiValue());
        assertEquals(length, c.mkiLength());
        assertEquals("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|" + read, c.toValue(false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5:0", "1:256", "1:000"})
    void anMkiOfLengthZeroOr256IsNone(final String mki) throws SdpException {
        final CryptoAttribute c = CryptoAttribute.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|" + mki);
        assertNull(c.mki());
        assertEquals(0, c.mkiLength());
        assertEquals(0, c.mkiValue());
        assertEquals("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30, c.toValue(false));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|1:257",
        "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|1:99999999999",
        "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|1:4|2^20",
        "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|a:4",
        "1 FOO_BAR inline:" + KEY30,
        "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "AAAA",
        "1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubG",
        "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "==",
        "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30 + "|0x40",
        "1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key",
        "x AES_CM_128_HMAC_SHA1_80 inline:" + KEY30,
        "1 AES_CM_128_HMAC_SHA1_80",
        "1 AEAD_AES_128_GCM inline:" + KEY30})
    void linesRtpengineIgnoresAreRefused(final String value) {
        assertThrows(SdpException.class, () -> CryptoAttribute.parse(value));
    }

    @Test
    void theLoggedFormLeavesTheKeyOut() throws SdpException {
        assertFalse(CryptoAttribute.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY30).toString().contains(KEY30));
    }
}
