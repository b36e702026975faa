package io.rtprelay.control.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our cluster keys: NATS servers, subjects, node id, announce interval and drain timeout.
 */
class ClusterConfigTest {
    @Test
    void withoutNatsServersTheRelayRunsAlone() throws ConfigException {
        final RelayConfig config = RelayConfig.parse();
        final ClusterConfig cluster = config.cluster();
        assertFalse(cluster.natsEnabled());
        assertEquals("rtprelay", cluster.subjectPrefix());
        assertEquals(5, cluster.announceIntervalS());
        assertEquals(3600, cluster.drainTimeoutS());
        assertTrue(cluster.nodeId().matches("[A-Za-z0-9_-]+"), cluster.nodeId());
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
    }

    @Test
    void keysComeFromTheCommandLineAndAreNotWarnedAbout() throws ConfigException {
        final RelayConfig config = RelayConfig.parse("--nats-servers=nats://10.0.0.1:4222, 10.0.0.2:4222",
            "--nats-subject-prefix=media.relay", "--node-id=gke-pool-1-abc", "--announce-interval=2",
            "--drain-timeout=30");
        final ClusterConfig cluster = config.cluster();
        assertTrue(cluster.natsEnabled());
        assertEquals(List.of("nats://10.0.0.1:4222", "nats://10.0.0.2:4222"), cluster.natsServers());
        assertEquals("media.relay.capacity.gke-pool-1-abc", cluster.capacitySubject());
        assertEquals("media.relay.control.gke-pool-1-abc", cluster.controlSubject());
        assertEquals(2, cluster.announceIntervalS());
        assertEquals(30, cluster.drainTimeoutS());
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
    }

    @Test
    void valuesThatWouldBreakSubjectsAreRefused() {
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--node-id=node.with.dots"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--node-id=*"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--nats-subject-prefix=a..b"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--nats-subject-prefix=a.>"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--nats-servers=http://x:80"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--announce-interval=0"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--drain-timeout=-1"));
    }
}
