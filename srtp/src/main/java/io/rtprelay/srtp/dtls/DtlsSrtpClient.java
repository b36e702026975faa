package io.rtprelay.srtp.dtls;

import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.util.Hashtable;

/**
 * The DTLS 1.2 client of a {@link DtlsSrtpSession} in role CLIENT: offers the configured {@code use_srtp} profiles,
 * checks the server's certificate against the SDP fingerprint, authenticates with the relay's certificate when asked
 * (RFC 5763 §5 expects it), exports the keys. One per handshake; its handshake thread's.
 */
final class DtlsSrtpClient extends DefaultTlsClient {
    private final BcTlsCrypto crypto;
    private final DtlsSrtpSession session;

    DtlsSrtpClient(final BcTlsCrypto crypto, final DtlsSrtpSession session) {
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
        return TlsUtils.getSupportedCipherSuites(getCrypto(), DtlsSrtpPeers.ALL_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return session.config().handshakeTimeoutMs();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"}) // BC's extensions table is a raw Hashtable
    public Hashtable getClientExtensions() throws IOException {
        final Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions, DtlsSrtpPeers.offer(session.config().profiles()));
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes") // BC's extensions table is a raw Hashtable
    public void processServerExtensions(final Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        session.onProfileSelected(DtlsSrtpPeers.accepted(session.config().profiles(), serverExtensions));
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(final TlsServerCertificate serverCertificate) throws IOException {
                session.verifyPeer(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(final CertificateRequest request) throws IOException {
                return DtlsSrtpPeers.signer(context, crypto, session.certificate(),
                    request.getSupportedSignatureAlgorithms());
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        session.onHandshakeComplete(context);
    }
}
