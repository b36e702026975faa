package io.rtprelay.deploy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.dataformat.yaml.YAMLMapper;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the Deployment's init container script (the one that finds the node's external address) with {@code sh} and
 * {@code curl}, as the container does, against a stand-in for the Kubernetes API: HTTPS with its own CA, the
 * service account's bearer token, the node object as the API serves it. Only the script's fixed paths are moved
 * into a temporary directory, and the metadata server's address to a closed port.
 */
@Timeout(60)
class NodeAddressInitTest {
    private static final String NODE = "gke-media-pool-1-x2f4";
    private static final String TOKEN = "service-account-token";
    private static final String KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();

    @Test
    void theInitContainerAdvertisesTheNodesExternalIpAndFallsBackToTheInternalOne(@TempDir final Path dir)
        throws Exception {
        final Deployment deployment = YAMLMapper.builder().build().readValue(
            Path.of(System.getProperty("basedir", ".")).resolve("kubernetes/deployment/deployment.yaml").toFile(),
            Deployment.class);
        final String script = deployment.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs()
            .get(0);
        final Path sa = Files.createDirectories(dir.resolve("sa"));
        final Path config = Files.createDirectories(dir.resolve("config"));
        final Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(sa.resolve("token"), TOKEN);
        Files.writeString(config.resolve("rtpengine.conf"), "[rtpengine]\nport-min = 30000\n");
        final Path runnable = dir.resolve("init.sh");
        Files.writeString(runnable, script
            .replace("/var/run/secrets/kubernetes.io/serviceaccount", sa.toString())
            .replace("/config/", config + "/")
            .replace("/etc/rtprelay/", etc + "/")
            .replace("169.254.169.254", "127.0.0.1:9"));

        final char[] password = "changeit".toCharArray();
        final Path keystore = dir.resolve("api.p12");
        run(dir, List.of(KEYTOOL, "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
            "-storepass", "changeit", "-alias", "api", "-keyalg", "EC", "-dname", "CN=kubernetes",
            "-ext", "SAN=IP:127.0.0.1", "-validity", "1"), Map.of());
        run(dir, List.of(KEYTOOL, "-exportcert", "-rfc", "-keystore", keystore.toString(), "-storepass",
            "changeit", "-alias", "api", "-file", sa.resolve("ca.crt").toString()), Map.of());
        final KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, password);
        }
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        final SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);

        final AtomicReference<String> asked = new AtomicReference<>();
        final HttpsServer api = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        api.setHttpsConfigurator(new HttpsConfigurator(tls));
        api.createContext("/", exchange -> {
            asked.set(exchange.getRequestURI().getPath() + " "
                + exchange.getRequestHeaders().getFirst("Authorization"));
            final byte[] body = ("{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + NODE + "\"},"
                + "\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.128.0.5\"},"
                + "{\"type\":\"ExternalIP\",\"address\":\"34.77.1.2\"},{\"type\":\"Hostname\",\"address\":\""
                + NODE + "\"}]}}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        try {
            final Map<String, String> env = Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                "KUBERNETES_SERVICE_PORT", Integer.toString(api.getAddress().getPort()),
                "NODE_NAME", NODE, "POD_IP", "10.128.0.5");
            final String out = run(dir, List.of("sh", runnable.toString()), env);
            assertEquals("/api/v1/nodes/" + NODE + " Bearer " + TOKEN, asked.get());
            assertTrue(out.contains("advertised as 34.77.1.2"), out);
            assertEquals("[rtpengine]\nport-min = 30000\ninterface = 10.128.0.5!34.77.1.2\n",
                Files.readString(etc.resolve("rtprelay.conf")));
        } finally {
            api.stop(0);
        }

        final String fallback = run(dir, List.of("sh", runnable.toString()), Map.of("KUBERNETES_SERVICE_HOST",
            "127.0.0.1", "KUBERNETES_SERVICE_PORT", "9", "NODE_NAME", NODE, "POD_IP", "10.128.0.5"));
        assertTrue(fallback.contains("no external IP found"), fallback);
        assertTrue(Files.readString(etc.resolve("rtprelay.conf")).endsWith("interface = 10.128.0.5!10.128.0.5\n"));
    }

    private static String run(final Path dir, final List<String> command, final Map<String, String> env)
        throws IOException, InterruptedException {
        final ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), command::toString);
        assertEquals(0, p.exitValue(), () -> command + ": " + out);
        return out;
    }
}
