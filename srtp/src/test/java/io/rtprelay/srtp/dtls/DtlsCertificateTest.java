package io.rtprelay.srtp.dtls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The certificate, read back by openssl (an independent X.509 parser): the key type and size, the signature hash,
 * the subject, the validity; and every fingerprint we put in SDP is the one {@code openssl x509 -fingerprint}
 * computes.
 */
@Timeout(120)
class DtlsCertificateTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sha-1", "sha-224", "sha-256", "sha-384", "sha-512"})
    void fingerprintsAreOpensslsOwn(final String hash) throws Exception {
        final DtlsCertificate cert = DtlsSrtpSessionInMemoryTest.EC;
        final Path der = Files.write(dir.resolve("ours.der"), cert.encoded());
        final String expected = OpensslPeer.fingerprint(der, "-" + hash.replace("-", ""));
        assertEquals(expected, cert.fingerprint(hash));
        assertEquals(expected, cert.fingerprint(hash.toUpperCase(java.util.Locale.ROOT)));
        assertEquals(hash + " " + expected, cert.fingerprintOf(hash).toSdp());
        assertTrue(expected.matches("([0-9A-F]{2}:)+[0-9A-F]{2}"), expected);
    }

    @Test
    void theDefaultIsAnEcdsaP256CertificateSignedWithSha256ValidForThirtyDays() throws Exception {
        final Instant now = Instant.parse("2026-12-02T12:00:00Z");
        final DtlsCertificate cert = DtlsCertificate.generate(DtlsCertificate.KeyType.PRIME256V1, 2048,
            DtlsCertificate.SignatureHash.SHA_256, new SecureRandom(), now);
        final String text = text(cert);
        assertTrue(text.contains("Signature Algorithm: ecdsa-with-SHA256"), text);
        assertTrue(text.contains("Public-Key: (256 bit)"), text);
        assertTrue(text.contains("prime256v1"), text);
        assertTrue(text.contains("Subject: CN = rtprelay") && text.contains("Issuer: CN = rtprelay"), text);
        assertTrue(text.contains("Not Before: Dec  1 12:00:00 2026 GMT"), text);
        assertTrue(text.contains("Not After : Jan  1 12:00:00 2027 GMT"), text);
        assertEquals(Duration.ofDays(31), Duration.between(cert.notBefore(), cert.notAfter()));
        assertEquals(256, cert.keySizeBits());
        final DtlsCertificate dflt = DtlsCertificate.generate();
        assertEquals(DtlsCertificate.KeyType.PRIME256V1, dflt.keyType());
        assertEquals(DtlsCertificate.SignatureHash.SHA_256, dflt.signatureHash());
    }

    @Test
    void rsaOfTheConfiguredSizeSignedWithSha1() throws Exception {
        final DtlsCertificate cert = DtlsCertificate.generate(DtlsCertificate.KeyType.RSA, 1024,
            DtlsCertificate.SignatureHash.SHA_1, new SecureRandom(), Instant.now());
        final String text = text(cert);
        assertTrue(text.contains("Signature Algorithm: sha1WithRSAEncryption"), text);
        assertTrue(text.contains("Public-Key: (1024 bit)"), text);
        final DtlsCertificate rsa = DtlsCertificate.generate(DtlsCertificate.KeyType.RSA,
            DtlsCertificate.DEFAULT_RSA_KEY_SIZE, DtlsCertificate.SignatureHash.SHA_256, new SecureRandom(),
            Instant.now());
        final String rsaText = text(rsa);
        assertTrue(rsaText.contains("Signature Algorithm: sha256WithRSAEncryption"), rsaText);
        assertTrue(rsaText.contains("Public-Key: (2048 bit)"), rsaText);
    }

    @Test
    void rtpenginesConfigValues() {
        assertEquals(DtlsCertificate.KeyType.PRIME256V1, DtlsCertificate.KeyType.ofConfig("prime256v1"));
        assertEquals(DtlsCertificate.KeyType.RSA, DtlsCertificate.KeyType.ofConfig("RSA"));
        assertEquals(DtlsCertificate.KeyType.RSA, DtlsCertificate.KeyType.ofConfig("rsa"));
        assertThrows(IllegalArgumentException.class, () -> DtlsCertificate.KeyType.ofConfig("secp384r1"));
        assertThrows(IllegalArgumentException.class, () -> DtlsCertificate.KeyType.ofConfig(null));
        assertEquals(DtlsCertificate.SignatureHash.SHA_256, DtlsCertificate.SignatureHash.ofConfig("SHA-256"));
        assertEquals(DtlsCertificate.SignatureHash.SHA_1, DtlsCertificate.SignatureHash.ofConfig("SHA-1"));
        assertEquals(DtlsCertificate.SignatureHash.SHA_1, DtlsCertificate.SignatureHash.ofConfig("sha1"));
        assertThrows(IllegalArgumentException.class, () -> DtlsCertificate.SignatureHash.ofConfig("MD5"));
        for (final int bad : new int[] {512, 1023, 9000}) {
            assertThrows(IllegalArgumentException.class, () -> DtlsCertificate.generate(DtlsCertificate.KeyType.RSA,
                bad, DtlsCertificate.SignatureHash.SHA_256, new SecureRandom(), Instant.now()));
        }
    }

    @Test
    void thePemIsReadableAndToStringShowsNoKey() throws Exception {
        final DtlsCertificate cert = DtlsSrtpSessionInMemoryTest.EC;
        final Path pem = Files.writeString(dir.resolve("ours.pem"), cert.toPem());
        assertEquals(cert.fingerprint("sha-256"), OpensslPeer.fingerprint(pem, "-sha256"));
        assertTrue(cert.toString().contains(cert.fingerprint("sha-256")));
        assertFalse(cert.toString().toLowerCase(java.util.Locale.ROOT).contains("private"));
    }

    private String text(final DtlsCertificate cert) throws Exception {
        final Path der = Files.write(dir.resolve("cert.der"), cert.encoded());
        return new String(OpensslPeer.run("openssl", "x509", "-inform", "DER", "-in", der.toString(), "-noout",
            "-text").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
