package io.rtprelay.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.rtprelay.control.config.RelayConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Validates every Kubernetes manifest under {@code deploy/kubernetes}: each document is read into the Kubernetes API
 * model of its {@code apiVersion}/{@code kind} (fabric8's kubernetes-model, generated from the Kubernetes OpenAPI
 * schema), strictly: a field the schema does not have anywhere in the tree, a value of the wrong type (no scalar
 * coercion), or anything that does not come back the same when the model is written out again, fails. Then checks
 * what the schema cannot: the pod template against the relay it runs (its args parse with the relay's own
 * configuration parser; probes, the preStop drain and the ports match the HTTP endpoint), one relay per node,
 * labels and selectors, and that the DaemonSet runs the Deployment's pod template.
 */
class ManifestsTest {
    private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
        "v1/Namespace", Namespace.class,
        "v1/ServiceAccount", ServiceAccount.class,
        "v1/ConfigMap", ConfigMap.class,
        "v1/Service", Service.class,
        "apps/v1/Deployment", Deployment.class,
        "apps/v1/DaemonSet", DaemonSet.class,
        "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
        "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
        "rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class,
        "rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class);
    private static final ObjectMapper YAML = YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();

    private static final Map<String, List<HasMetadata>> BY_FILE = new LinkedHashMap<>();

    @BeforeAll
    static void readEveryManifest() throws IOException {
        for (final Path file : manifestFiles()) {
            final List<HasMetadata> objects = new ArrayList<>();
            for (final JsonNode document : YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())
                .readAll()) {
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                objects.add(strictly(KUBERNETES.relativize(file).toString(), document));
            }
            BY_FILE.put(KUBERNETES.relativize(file).toString(), objects);
        }
    }

    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
        }
    }

    /** Reads one document into its model class and fails on anything the schema does not describe exactly. */
    private static HasMetadata strictly(final String file, final JsonNode document) {
        final String key = document.path("apiVersion").asString() + "/" + document.path("kind").asString();
        final Class<? extends HasMetadata> type = KINDS.get(key);
        assertNotNull(type, file + ": no model for " + key + " (a kind this test does not know is a failure)");
        final HasMetadata object = YAML.treeToValue(document, type);
        final List<String> unknown = new ArrayList<>();
        unknownFields(object, file + " " + key, unknown, 0);
        assertEquals(List.of(), unknown, "fields the Kubernetes schema does not have");
        final List<String> differences = new ArrayList<>();
        diff(document, YAML.valueToTree(object), "", differences);
        assertEquals(List.of(), differences, file + " " + key + ": the model does not write back what was read");
        return object;
    }

    /** Lists where two trees differ, by path: what was read against what the model writes. */
    private static void diff(final JsonNode read, final JsonNode written, final String path, final List<String> out) {
        if (read.isObject() && written.isObject()) {
            final Set<String> names = new TreeSet<>(read.propertyNames());
            names.addAll(written.propertyNames());
            for (final String name : names) {
                diff(read.path(name), written.path(name), path + "." + name, out);
            }
        } else if (read.isArray() && written.isArray() && read.size() == written.size()) {
            for (int i = 0; i < read.size(); i++) {
                diff(read.get(i), written.get(i), path + "[" + i + "]", out);
            }
        } else if (read.isNumber() && written.isNumber()) {
            if (read.decimalValue().compareTo(written.decimalValue()) != 0) {
                out.add(path + ": read " + read + ", written " + written);
            }
        } else if (!read.equals(written)) {
            out.add(path + ": read " + read + ", written " + written);
        }
    }

    /** Walks the model: every fabric8 object keeps the fields it does not know in its additional properties. */
    private static void unknownFields(final Object value, final String path, final List<String> out, final int depth) {
        if (value == null || depth > 40) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (final Object element : list) {
                unknownFields(element, path + "[" + i++ + "]", out, depth + 1);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (final Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out, depth + 1);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (final Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            final Object field;
            try {
                field = getter.invoke(value);
            } catch (final IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(field, path + "." + getter.getName().substring(3), out, depth + 1);
            }
        }
    }

    private static <T extends HasMetadata> List<T> all(final Class<T> type) {
        final List<T> out = new ArrayList<>();
        for (final List<HasMetadata> objects : BY_FILE.values()) {
            for (final HasMetadata o : objects) {
                if (type.isInstance(o)) {
                    out.add(type.cast(o));
                }
            }
        }
        return out;
    }

    private static <T extends HasMetadata> T one(final Class<T> type) {
        final List<T> found = all(type);
        assertEquals(1, found.size(), type.getSimpleName());
        return found.get(0);
    }

    @Test
    void everyManifestIsReadStrictlyIntoTheKubernetesModel() {
        assertTrue(BY_FILE.size() >= 8, BY_FILE::toString);
        final Set<String> kinds = new TreeSet<>();
        BY_FILE.values().forEach(list -> list.forEach(o -> kinds.add(o.getKind())));
        assertEquals(new TreeSet<>(List.of("ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet", "Deployment",
            "HorizontalPodAutoscaler", "Namespace", "PodDisruptionBudget", "Service", "ServiceAccount")), kinds);
    }

    @Test
    void theStrictReadingRejectsAnUnknownFieldAndAWrongType() throws IOException {
        final JsonNode typo = YAML.readTree("""
            apiVersion: v1
            kind: Service
            metadata: {name: x}
            spec: {clusterIp: None}
            """);
        assertThrows(typo, "clusterIp");
        final JsonNode wrongType = YAML.readTree("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: x}
            spec: {replicas: "2"}
            """);
        assertThrows(wrongType, "replicas");
    }

    private static void assertThrows(final JsonNode document, final String field) {
        try {
            strictly("inline", document);
        } catch (final AssertionError | RuntimeException e) {
            assertTrue(String.valueOf(e.getMessage()).contains(field), e::toString);
            return;
        }
        fail("accepted a manifest with a bad " + field);
    }

    @Test
    void everyManifestIsInAKustomizationAndEveryResourceListedExists() throws IOException {
        final Set<Path> listed = new HashSet<>();
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            for (final Path k : files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList()) {
                final JsonNode kustomization = YAML.readTree(k.toFile());
                assertEquals("Kustomization", kustomization.path("kind").asString(), k.toString());
                for (final JsonNode resource : kustomization.path("resources")) {
                    final Path target = k.getParent().resolve(resource.asString()).normalize();
                    assertTrue(Files.exists(target), k + " lists " + target);
                    listed.add(target);
                }
            }
        }
        for (final Path file : manifestFiles()) {
            assertTrue(listed.contains(file) || listed.contains(file.getParent()), file + " is in no kustomization");
        }
    }

    @Test
    void oneRelayPerMediaNodeOnTheHostNetworkDrainedBeforeItGoes() {
        final Deployment deployment = one(Deployment.class);
        final PodTemplateSpec template = deployment.getSpec().getTemplate();
        final PodSpec pod = template.getSpec();
        assertEquals(Boolean.TRUE, pod.getHostNetwork());
        assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy());
        final List<PodAffinityTerm> antiAffinity =
            pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        assertEquals(1, antiAffinity.size());
        assertEquals("kubernetes.io/hostname", antiAffinity.get(0).getTopologyKey());
        assertEquals(template.getMetadata().getLabels(), antiAffinity.get(0).getLabelSelector().getMatchLabels(),
            "the anti-affinity selects the relay's own pods");
        assertEquals(template.getMetadata().getLabels(), deployment.getSpec().getSelector().getMatchLabels());
        assertEquals("false", template.getMetadata().getAnnotations()
            .get("cluster-autoscaler.kubernetes.io/safe-to-evict"));
        assertFalse(pod.getNodeSelector().isEmpty(), "a dedicated node pool");
        assertFalse(pod.getTolerations().isEmpty(), "the pool's taint is tolerated");
        assertEquals(0, deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal(),
            "a rollout adds a relay before one drains");

        final Container relay = pod.getContainers().get(0);
        final int drainTimeoutS = Integer.parseInt(arg(relay, "drain-timeout"));
        assertTrue(pod.getTerminationGracePeriodSeconds() > drainTimeoutS,
            "terminationGracePeriodSeconds must outlast drain-timeout");
        assertTrue(drainTimeoutS >= 3600, "long enough for calls");
        final List<String> preStop = relay.getLifecycle().getPreStop().getExec().getCommand();
        assertTrue(preStop.contains("io.rtprelay.control.http.HttpProbe"), preStop::toString);
        assertEquals(List.of("--post", "http://${POD_IP}:9101/drain"), preStop.subList(preStop.size() - 2,
            preStop.size()));
        assertEquals("/readyz", relay.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/healthz", relay.getLivenessProbe().getHttpGet().getPath());
        assertNotNull(relay.getResources().getRequests().get("cpu"));
        assertNotNull(relay.getResources().getRequests().get("memory"));
        assertEquals("status.podIP", env(relay, "POD_IP").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("spec.nodeName", env(relay, "NODE_NAME").getValueFrom().getFieldRef().getFieldPath());
        assertNotNull(arg(relay, "nats-servers"));
        assertEquals("$(NODE_NAME)", arg(relay, "node-id"));
    }

    @Test
    void theRelaysArgsAndConfigParseWithTheRelaysOwnParserAndMatchItsProbesAndPorts(@TempDir final Path dir)
        throws Exception {
        final Deployment deployment = one(Deployment.class);
        final PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        final Container relay = pod.getContainers().get(0);
        final String conf = one(ConfigMap.class).getData().get("rtpengine.conf")
            + "interface = 10.128.0.5!203.0.113.5\n";
        final Path file = dir.resolve("rtprelay.conf");
        Files.writeString(file, conf);
        final List<String> args = new ArrayList<>(List.of("--config-file=" + file));
        for (final String arg : relay.getArgs()) {
            args.add(arg.replace("$(POD_IP)", "10.128.0.5").replace("$(NODE_NAME)", "gke-media-1")
                .replace("$(NATS_SERVERS)", "nats://10.0.0.9:4222"));
        }
        final RelayConfig config = RelayConfig.parse(args.toArray(String[]::new));
        assertEquals(List.of(), config.warnings(), "every key is one the relay reads");
        assertEquals(List.of("nats://10.0.0.9:4222"), config.cluster().natsServers());
        assertEquals("gke-media-1", config.cluster().nodeId());
        assertTrue(pod.getTerminationGracePeriodSeconds() > config.cluster().drainTimeoutS(),
            "the grace period outlasts the drain");
        assertEquals("json", config.logFormat());
        assertEquals("203.0.113.5", config.interfaces().get(0).advertisedText());
        final int httpPort = config.listenHttp().getPort();
        assertEquals("10.128.0.5", config.listenHttp().getAddress().getHostAddress(), "HTTP on the node's internal IP");
        final int ngPort = config.listenNg().get(0).getPort();
        final Map<String, Integer> ports = new LinkedHashMap<>();
        relay.getPorts().forEach(p -> ports.put(p.getName(), p.getContainerPort()));
        assertEquals(Map.of("ng", ngPort, "http", httpPort), ports);
        for (final Probe probe : List.of(relay.getStartupProbe(), relay.getLivenessProbe(),
            relay.getReadinessProbe())) {
            assertEquals("http", probe.getHttpGet().getPort().getStrVal());
        }
        assertTrue(relay.getLifecycle().getPreStop().getExec().getCommand().getLast().contains(":" + httpPort + "/"));
        final Service service = one(Service.class);
        assertEquals(deployment.getSpec().getTemplate().getMetadata().getLabels(), service.getSpec().getSelector());
        final Map<String, Integer> servicePorts = new LinkedHashMap<>();
        service.getSpec().getPorts().forEach(p -> servicePorts.put(p.getName(), p.getTargetPort().getIntVal()));
        assertEquals(ports, servicePorts);
        assertTrue(pod.getInitContainers().get(0).getArgs().get(0).contains("/etc/rtprelay/rtprelay.conf"),
            "the init container writes the file the image's entrypoint reads");
    }

    @Test
    void theImagesBaselineConfigParsesWithoutWarnings() throws Exception {
        final RelayConfig config = RelayConfig.parse("--config-file=" + DEPLOY.resolve("container/rtprelay.conf"));
        assertEquals(List.of(), config.warnings());
        assertEquals(9101, config.listenHttp().getPort(), "the Dockerfile's HEALTHCHECK asks port 9101");
    }

    @Test
    void theDaemonSetRunsTheDeploymentsPodTemplate() {
        final PodTemplateSpec deployment = one(Deployment.class).getSpec().getTemplate();
        final DaemonSet daemonSet = one(DaemonSet.class);
        assertEquals(YAML.valueToTree(deployment), YAML.valueToTree(daemonSet.getSpec().getTemplate()));
        assertEquals(deployment.getMetadata().getLabels(), daemonSet.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theAutoscalerAndTheDisruptionBudgetTargetTheRelays() {
        final Deployment deployment = one(Deployment.class);
        final HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class);
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals(deployment.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
        assertEquals("rtprelay_capacity_used_ratio", hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName());
        final PodDisruptionBudget pdb = one(PodDisruptionBudget.class);
        assertEquals(deployment.getSpec().getTemplate().getMetadata().getLabels(),
            pdb.getSpec().getSelector().getMatchLabels());
        assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
        final ClusterRoleBinding binding = one(ClusterRoleBinding.class);
        assertEquals(deployment.getSpec().getTemplate().getSpec().getServiceAccountName(),
            binding.getSubjects().get(0).getName());
        assertEquals(one(ClusterRole.class).getMetadata().getName(), binding.getRoleRef().getName());
    }

    private static String arg(final Container container, final String key) {
        for (final String arg : container.getArgs()) {
            if (arg.startsWith("--" + key + "=")) {
                return arg.substring(key.length() + 3);
            }
        }
        return null;
    }

    private static EnvVar env(final Container container, final String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no env " + name));
    }
}
