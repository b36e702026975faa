package io.rtprelay.srtp.dtls;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcRSAContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;

/**
 * The relay's DTLS certificate: a key pair and a self-signed X.509 certificate over it, made once at start and used
 * by every DTLS-SRTP handshake (RFC 5763 §5: the certificate is authenticated by its fingerprint in the signalling,
 * not by a CA, so self-signed is the norm). The SDP's {@code a=fingerprint} is {@link #fingerprint(String)}.
 *
 * <p>Configuration follows rtpengine's keys: {@code dtls-cert-cipher} ({@code prime256v1}, the default: ECDSA on
 * P-256; or {@code RSA}), {@code dtls-rsa-key-size} (bits, default 2048, for RSA), {@code dtls-signature}
 * ({@code SHA-256}, the default, or {@code SHA-1}: the hash of the certificate's own signature, independent of the
 * fingerprint's hash). Validity: from a day before it was made (clocks of peers lag) to 30 days after, as
 * rtpengine's certificates are (it logs them at start: a month's validity); the relay is expected to make a new one
 * before then (rtpengine renews its certificate periodically), which this class does not do itself.
 *
 * <p>Immutable after construction; any thread. Making an RSA-2048 key takes a few hundred milliseconds, P-256 a
 * millisecond: never on an event loop.
 */
public final class DtlsCertificate {
    /** The key of the certificate, rtpengine's {@code dtls-cert-cipher}. */
    public enum KeyType {
        /** ECDSA on NIST P-256 (secp256r1, prime256v1), rtpengine's default. */
        PRIME256V1,
        /** RSA of {@code dtls-rsa-key-size} bits. */
        RSA;

        /**
         * @param name {@code prime256v1} or {@code RSA}, case-insensitive, as rtpengine's config takes them.
         * @return the key type.
         * @throws IllegalArgumentException for any other name.
         */
        public static KeyType ofConfig(final String name) {
            if ("prime256v1".equalsIgnoreCase(name)) {
                return PRIME256V1;
            }
            if ("RSA".equalsIgnoreCase(name)) {
                return RSA;
            }
            throw new IllegalArgumentException("dtls-cert-cipher '" + name + "' is not prime256v1 or RSA");
        }
    }

    /** The hash of the certificate's signature, rtpengine's {@code dtls-signature}. */
    public enum SignatureHash {
        /** SHA-256, the default. */
        SHA_256,
        /** SHA-1, for old peers. */
        SHA_1;

        /**
         * @param name {@code SHA-256} or {@code SHA-1}, case-insensitive (also without the dash).
         * @return the hash.
         * @throws IllegalArgumentException for any other name.
         */
        public static SignatureHash ofConfig(final String name) {
            final String n = name == null ? "" : name.replace("-", "").toUpperCase(Locale.ROOT);
            return switch (n) {
                case "SHA256" -> SHA_256;
                case "SHA1" -> SHA_1;
                default -> throw new IllegalArgumentException("dtls-signature '" + name + "' is not SHA-256 or SHA-1");
            };
        }
    }

    /** rtpengine's default {@code dtls-rsa-key-size}. */
    public static final int DEFAULT_RSA_KEY_SIZE = 2048;
    /** The smallest RSA key accepted: below this BC's TLS and browsers refuse the certificate anyway. */
    public static final int MIN_RSA_KEY_SIZE = 1024;
    /** The largest RSA key accepted (a 16 kbit key takes minutes to make). */
    public static final int MAX_RSA_KEY_SIZE = 8192;
    /** How long the certificate is valid after it was made. */
    public static final Duration VALIDITY = Duration.ofDays(30);
    /** How far back its validity starts, for peers whose clock is behind. */
    public static final Duration BACKDATE = Duration.ofDays(1);
    /** The subject and issuer common name. */
    public static final String COMMON_NAME = "rtprelay";

    private final KeyType keyType;
    private final int keySizeBits;
    private final SignatureHash signatureHash;
    private final AsymmetricKeyParameter privateKey;
    private final byte[] encoded;
    private final Instant notBefore;
    private final Instant notAfter;

    private DtlsCertificate(final KeyType keyType, final int keySizeBits, final SignatureHash signatureHash,
                            final AsymmetricKeyParameter privateKey, final byte[] encoded, final Instant notBefore,
                            final Instant notAfter) {
        this.keyType = keyType;
        this.keySizeBits = keySizeBits;
        this.signatureHash = signatureHash;
        this.privateKey = privateKey;
        this.encoded = encoded;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
    }

    /** @return rtpengine's defaults: ECDSA P-256, signed with SHA-256. */
    public static DtlsCertificate generate() {
        return generate(KeyType.PRIME256V1, DEFAULT_RSA_KEY_SIZE, SignatureHash.SHA_256, new SecureRandom(),
            Instant.now());
    }

    /**
     * @param keyType       the key ({@code dtls-cert-cipher}).
     * @param rsaKeySize    the RSA key size in bits ({@code dtls-rsa-key-size}); ignored for P-256.
     * @param signatureHash the certificate signature's hash ({@code dtls-signature}).
     * @param random        the source of the key and serial number.
     * @param now           the time it is made at.
     * @return a new key pair and self-signed certificate.
     * @throws IllegalArgumentException if the RSA key size is outside {@link #MIN_RSA_KEY_SIZE} ..
     *                                  {@link #MAX_RSA_KEY_SIZE} or not a multiple of 8.
     */
    public static DtlsCertificate generate(final KeyType keyType, final int rsaKeySize,
                                           final SignatureHash signatureHash, final SecureRandom random,
                                           final Instant now) {
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(signatureHash, "signatureHash");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(now, "now");
        final AsymmetricCipherKeyPair pair;
        final int bits;
        final String algorithm;
        if (keyType == KeyType.RSA) {
            if (rsaKeySize < MIN_RSA_KEY_SIZE || rsaKeySize > MAX_RSA_KEY_SIZE || rsaKeySize % 8 != 0) {
                throw new IllegalArgumentException("dtls-rsa-key-size " + rsaKeySize + " is not a multiple of 8 in "
                    + MIN_RSA_KEY_SIZE + ".." + MAX_RSA_KEY_SIZE);
            }
            final RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
            generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), random, rsaKeySize, 112));
            pair = generator.generateKeyPair();
            bits = rsaKeySize;
            algorithm = signatureHash == SignatureHash.SHA_256 ? "SHA256withRSA" : "SHA1withRSA";
        } else {
            final X9ECParameters curve = ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1);
            final ECKeyPairGenerator generator = new ECKeyPairGenerator();
            generator.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, curve), random));
            pair = generator.generateKeyPair();
            bits = 256;
            algorithm = signatureHash == SignatureHash.SHA_256 ? "SHA256withECDSA" : "SHA1withECDSA";
        }
        final Instant notBefore = now.minus(BACKDATE).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        final Instant notAfter = now.plus(VALIDITY).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        final X500Name name = new X500Name("CN=" + COMMON_NAME);
        final BigInteger serial = new BigInteger(63, random).add(BigInteger.ONE);
        try {
            final X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, serial,
                Date.from(notBefore), Date.from(notAfter), name,
                SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pair.getPublic()));
            final AlgorithmIdentifier signatureAlgorithm = new DefaultSignatureAlgorithmIdentifierFinder()
                .find(algorithm);
            final AlgorithmIdentifier digestAlgorithm = new DefaultDigestAlgorithmIdentifierFinder()
                .find(signatureAlgorithm);
            final ContentSigner signer = keyType == KeyType.RSA
                ? new BcRSAContentSignerBuilder(signatureAlgorithm, digestAlgorithm).build(pair.getPrivate())
                : new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm).build(pair.getPrivate());
            final X509CertificateHolder holder = builder.build(signer);
            return new DtlsCertificate(keyType, bits, signatureHash, pair.getPrivate(), holder.getEncoded(),
                notBefore, notAfter);
        } catch (final IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not make the DTLS certificate", e);
        }
    }

    /**
     * @param hash the fingerprint's hash function, by its SDP name ({@code sha-1}, {@code sha-224}, {@code sha-256},
     *             {@code sha-384}, {@code sha-512}; any case).
     * @return the SDP value of {@code a=fingerprint}'s fingerprint: upper-case hex pairs joined by colons, over the
     *         DER certificate (RFC 8122 §5).
     * @throws IllegalArgumentException for another hash.
     */
    public String fingerprint(final String hash) {
        return DtlsFingerprint.of(hash, encoded).hex();
    }

    /**
     * @param hash the fingerprint's hash function, by its SDP name.
     * @return the fingerprint as a value.
     * @throws IllegalArgumentException for an unsupported hash.
     */
    public DtlsFingerprint fingerprintOf(final String hash) {
        return DtlsFingerprint.of(hash, encoded);
    }

    /** @return a copy of the certificate's DER encoding. */
    public byte[] encoded() {
        return encoded.clone();
    }

    byte[] encodedRef() {
        return encoded;
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** @return the certificate in PEM, for logs (rtpengine logs its certificate at start) and tools. */
    public String toPem() {
        final String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encoded);
        return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    }

    /** @return the key type. */
    public KeyType keyType() {
        return keyType;
    }

    /** @return the key size in bits: 256 for P-256, the RSA modulus size for RSA. */
    public int keySizeBits() {
        return keySizeBits;
    }

    /** @return the hash of the certificate's signature. */
    public SignatureHash signatureHash() {
        return signatureHash;
    }

    /** @return the start of the validity period. */
    public Instant notBefore() {
        return notBefore;
    }

    /** @return the end of the validity period. */
    public Instant notAfter() {
        return notAfter;
    }

    /** @return the key, the validity and the SHA-256 fingerprint; never the private key. */
    @Override
    public String toString() {
        return "DtlsCertificate[" + keyType + " " + keySizeBits + " bits, " + signatureHash + ", " + notBefore
            + " .. " + notAfter + ", sha-256 " + fingerprint(DtlsFingerprint.SHA_256) + "]";
    }
}
