package io.rtprelay.srtp.dtls;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Measures DTLS-SRTP handshake times for docs/DTLS.md (a measurement, not a test: timing stays out of JUnit). Four
 * ways, {@code n} handshakes each (default 20) after {@code warmup} unmeasured ones, over UDP on 127.0.0.1 except the
 * in-memory pair: our client against {@code openssl s_server} (start() to onConnected); {@code openssl s_client}
 * against our server and against {@code openssl s_server} (from launching s_client to our onConnected, or to
 * s_client printing its keying material: both include starting the openssl process); two of our sessions in memory.
 * Run from the repository root after {@code ./mvnw -pl srtp test-compile}, with the JVM flags docs/DTLS.md gives
 * (Agrona's), {@code java <flags> -cp srtp/target/classes:srtp/target/test-classes:$(cat /tmp/srtp.cp)
 * io.rtprelay.srtp.dtls.DtlsHandshakeTiming 20 5}, the classpath from
 * {@code ./mvnw -q -pl srtp dependency:build-classpath -Dmdep.outputFile=/tmp/srtp.cp}.
 */
final class DtlsHandshakeTiming {
    private DtlsHandshakeTiming() {
    }

    public static void main(final String[] args) throws Exception {
        final int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        final int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final Path dir = Files.createTempDirectory("dtls-timing");
        final OpensslPeer.Credentials peer = OpensslPeer.credentials(dir, "openssl-peer");
        final DtlsCertificate ours = DtlsCertificate.generate();
        try (DtlsHandshakeExecutor executor = new DtlsHandshakeExecutor(4)) {
            report("our client vs openssl s_server", run(n, warmup, () -> ourClient(executor, ours, peer)));
            report("openssl s_client vs our server (incl. s_client start)",
                run(n, warmup, () -> ourServer(executor, ours, peer)));
            report("openssl s_client vs openssl s_server (incl. s_client start)",
                run(n, warmup, () -> opensslOnly(peer)));
            report("ours vs ours, in memory", run(n, warmup, () -> inMemory(executor, ours)));
        }
    }

    private interface Handshake {
        long nanos() throws Exception;
    }

    private static long[] run(final int n, final int warmup, final Handshake h) throws Exception {
        for (int i = 0; i < warmup; i++) {
            h.nanos();
        }
        final long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = h.nanos();
        }
        return out;
    }

    private static void report(final String what, final long[] ns) {
        final long[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf("%-60s n=%d median %.1f ms, min %.1f ms, max %.1f ms%n", what, s.length,
            s[s.length / 2] / 1e6, s[0] / 1e6, s[s.length - 1] / 1e6);
    }

    private static long ourClient(final DtlsHandshakeExecutor executor, final DtlsCertificate ours,
                                  final OpensslPeer.Credentials peer) throws Exception {
        final int port = OpensslPeer.freeUdpPort();
        try (OpensslPeer server = OpensslPeer.server(port, peer, "SRTP_AES128_CM_SHA1_80", 60);
             UdpBridge bridge = new UdpBridge(new InetSocketAddress("127.0.0.1", port))) {
            final Outcome outcome = new Outcome();
            final DtlsSrtpSession session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
                DtlsSrtpSession.Role.CLIENT, ours, peer.sha256(), bridge, outcome);
            bridge.attach(session);
            session.start();
            outcome.awaitConnected(20);
            final long ns = session.handshakeNs();
            server.keyingMaterial.get(10, TimeUnit.SECONDS);
            session.close();
            return ns;
        }
    }

    private static long ourServer(final DtlsHandshakeExecutor executor, final DtlsCertificate ours,
                                  final OpensslPeer.Credentials peer) throws Exception {
        try (UdpBridge bridge = new UdpBridge(null)) {
            final Outcome outcome = new Outcome();
            final DtlsSrtpSession session = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
                DtlsSrtpSession.Role.SERVER, ours, peer.sha256(), bridge, outcome);
            bridge.attach(session);
            session.start();
            final long t0 = System.nanoTime();
            try (OpensslPeer client = OpensslPeer.client(bridge.port(), peer, "SRTP_AES128_CM_SHA1_80", 60)) {
                outcome.awaitConnected(20);
                final long ns = System.nanoTime() - t0;
                client.keyingMaterial.get(10, TimeUnit.SECONDS);
                session.close();
                return ns;
            }
        }
    }

    private static long opensslOnly(final OpensslPeer.Credentials peer) throws Exception {
        final int port = OpensslPeer.freeUdpPort();
        try (OpensslPeer server = OpensslPeer.server(port, peer, "SRTP_AES128_CM_SHA1_80", 60)) {
            final long t0 = System.nanoTime();
            try (OpensslPeer client = OpensslPeer.client(port, peer, "SRTP_AES128_CM_SHA1_80", 60)) {
                client.keyingMaterial.get(20, TimeUnit.SECONDS);
                final long ns = System.nanoTime() - t0;
                server.keyingMaterial.get(10, TimeUnit.SECONDS);
                return ns;
            }
        }
    }

    private static long inMemory(final DtlsHandshakeExecutor executor, final DtlsCertificate ours) throws Exception {
        try (Pipe toServer = new Pipe("to-server"); Pipe toClient = new Pipe("to-client")) {
            final Outcome co = new Outcome();
            final Outcome so = new Outcome();
            final DtlsSrtpSession client = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
                DtlsSrtpSession.Role.CLIENT, ours, ours.fingerprintOf("sha-256"), toServer, co);
            final DtlsSrtpSession server = new DtlsSrtpSession(executor, DtlsSrtpConfig.DEFAULT,
                DtlsSrtpSession.Role.SERVER, ours, ours.fingerprintOf("sha-256"), toClient, so);
            toServer.to(server);
            toClient.to(client);
            server.start();
            client.start();
            co.awaitConnected(20);
            so.awaitConnected(20);
            final long ns = client.handshakeNs();
            client.close();
            server.close();
            return ns;
        }
    }
}
