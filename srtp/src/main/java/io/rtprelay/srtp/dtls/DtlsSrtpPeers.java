package io.rtprelay.srtp.dtls;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.util.List;
import java.util.Vector;

/**
 * What {@link DtlsSrtpClient} and {@link DtlsSrtpServer} share: the cipher suites, the {@code use_srtp} data and the
 * signer over the relay's certificate. Handshake threads only.
 */
final class DtlsSrtpPeers {
    /**
     * ECDHE only (forward secrecy), AEAD first, then the CBC suites older peers have; ECDSA for a P-256 certificate.
     */
    static final int[] ECDSA_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };
    /** The same with RSA signatures, for an RSA certificate. */
    static final int[] RSA_SUITES = {
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    };
    /** A client offers both: the server's certificate may be either. */
    static final int[] ALL_SUITES = concat(ECDSA_SUITES, RSA_SUITES);

    private static final short[] HASH_PREFERENCE = {HashAlgorithm.sha256, HashAlgorithm.sha384,
        HashAlgorithm.sha512, HashAlgorithm.sha1};

    private DtlsSrtpPeers() {
    }

    private static int[] concat(final int[] a, final int[] b) {
        final int[] out = new int[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static UseSRTPData offer(final List<UseSrtpProfile> profiles) {
        final int[] ids = new int[profiles.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = profiles.get(i).id();
        }
        return new UseSRTPData(ids, TlsUtils.EMPTY_BYTES);
    }

    /**
     * @return the first of ours (in our order) that the client offered.
     * @throws TlsFatalAlert handshake_failure if none.
     */
    static UseSrtpProfile select(final List<UseSrtpProfile> ours, final UseSRTPData offered) throws IOException {
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client offered no use_srtp");
        }
        final int[] ids = offered.getProtectionProfiles();
        for (final UseSrtpProfile p : ours) {
            for (final int id : ids) {
                if (p.id() == id) {
                    return p;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    /**
     * RFC 5764 §4.1.1: the server answers with one profile of the client's list, and the MKI the client sent
     * (none, here).
     *
     * @throws TlsFatalAlert if the server's answer is not that.
     */
    @SuppressWarnings("rawtypes") // BC's extensions table is a raw Hashtable
    static UseSrtpProfile accepted(final List<UseSrtpProfile> offered, final java.util.Hashtable serverExtensions)
        throws IOException {
        final UseSRTPData answer = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (answer == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the server did not negotiate use_srtp");
        }
        final int[] ids = answer.getProtectionProfiles();
        if (ids.length != 1 || answer.getMki().length != 0) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "use_srtp answer is not one profile");
        }
        for (final UseSrtpProfile p : offered) {
            if (p.id() == ids[0]) {
                return p;
            }
        }
        throw new TlsFatalAlert(AlertDescription.illegal_parameter, "use_srtp answer is a profile not offered");
    }

    /**
     * @param peerAlgorithms the signature algorithms the peer accepts (null: TLS 1.2's default, SHA-1).
     * @return a signer over the relay's certificate with the best hash the peer accepts.
     */
    @SuppressWarnings("rawtypes") // BC's signature algorithm lists are raw Vectors
    static TlsCredentialedSigner signer(final TlsContext context, final BcTlsCrypto crypto,
                                        final DtlsCertificate certificate, final Vector peerAlgorithms)
        throws IOException {
        final short signature = certificate.keyType() == DtlsCertificate.KeyType.RSA
            ? SignatureAlgorithm.rsa : SignatureAlgorithm.ecdsa;
        SignatureAndHashAlgorithm chosen = null;
        for (final short hash : HASH_PREFERENCE) {
            final SignatureAndHashAlgorithm candidate = SignatureAndHashAlgorithm.getInstance(hash, signature);
            if (peerAlgorithms == null ? hash == HashAlgorithm.sha1 : peerAlgorithms.contains(candidate)) {
                chosen = candidate;
                break;
            }
        }
        if (chosen == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "no signature algorithm in common");
        }
        final Certificate chain = new Certificate(new TlsCertificate[] {
            new BcTlsCertificate(crypto, certificate.encodedRef())});
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
            chain, chosen);
    }
}
