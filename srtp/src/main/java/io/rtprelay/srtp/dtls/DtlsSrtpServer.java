package io.rtprelay.srtp.dtls;

import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.util.Hashtable;

/**
 * The DTLS 1.2 server of a {@link DtlsSrtpSession} in role SERVER: picks the first of its {@code use_srtp} profiles
 * the client offers, requires a client certificate and checks it against the SDP fingerprint (RFC 5763 §5),
 * answers the ClientHello with a HelloVerifyRequest cookie first (Bouncy Castle's default, RFC 6347 §4.2.1), exports
 * the keys. One per handshake; its handshake thread's.
 */
final class DtlsSrtpServer extends DefaultTlsServer {
    private final BcTlsCrypto crypto;
    private final DtlsSrtpSession session;
    private UseSrtpProfile selected;

    DtlsSrtpServer(final BcTlsCrypto crypto, final DtlsSrtpSession session) {
        super(crypto);
        this.crypto = crypto;
        this.session = session;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(),
            session.certificate().keyType() == DtlsCertificate.KeyType.RSA
                ? DtlsSrtpPeers.RSA_SUITES : DtlsSrtpPeers.ECDSA_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return session.config().handshakeTimeoutMs();
    }

    @Override
    @SuppressWarnings("rawtypes") // BC's extensions table is a raw Hashtable
    public void processClientExtensions(final Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        final UseSRTPData offered = clientExtensions == null ? null
            : TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        selected = DtlsSrtpPeers.select(session.config().profiles(), offered);
        session.onProfileSelected(selected);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"}) // BC's extensions table is a raw Hashtable
    public Hashtable getServerExtensions() throws IOException {
        final Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getServerExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions,
            new UseSRTPData(new int[] {selected.id()}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
            TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(final Certificate clientCertificate) throws IOException {
        session.verifyPeer(clientCertificate);
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return signer();
    }

    @Override
    protected TlsCredentialedSigner getRSASignerCredentials() throws IOException {
        return signer();
    }

    private TlsCredentialedSigner signer() throws IOException {
        return DtlsSrtpPeers.signer(context, crypto, session.certificate(),
            context.getSecurityParametersHandshake().getClientSigAlgs());
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        session.onHandshakeComplete(context);
    }
}
