package io.rtprelay.control.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayConfigTest {
    @Test
    void defaultsAreRtpenginesWithLoopbackForNgAndMedia() throws Exception {
        final RelayConfig config = RelayConfig.parse();
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 2223)), config.listenNg());
        assertEquals(InetAddress.getByName("127.0.0.1"), config.interfaces().get(0).local());
        assertEquals(30_000, config.portMin());
        assertEquals(40_000, config.portMax());
        assertEquals(-1, config.maxSessions());
        assertEquals(60, config.timeoutS());
        assertEquals(3600, config.silentTimeoutS());
        assertEquals(0, config.finalTimeoutS());
        assertEquals(30, config.deleteDelayS());
        assertEquals("auto", config.transport());
    }

    @Test
    void anOperatorsRtpengineConfWorksAndTheCommandLineOverridesIt(@TempDir final Path dir) throws Exception {
        final Path conf = dir.resolve("rtpengine.conf");
        Files.writeString(conf, """
            [rtpengine]
            # a typical Debian rtpengine.conf
            table = 0
            interface = internal/192.0.2.10!203.0.113.7; external/2001:db8::10
            listen-ng = 127.0.0.1:22222
            port-min = 40000
            port-max = 40999
            timeout = 30
            silent-timeout = 600
            tos = 184
            log-level = 7
            foreground = true
            iptables-chain = rtpengine
            something-new = 1

            [other]
            port-min = 1
            """);
        final RelayConfig config = RelayConfig.parse("--config-file=" + conf, "--timeout", "45", "--foreground");
        assertEquals(2, config.interfaces().size());
        final InterfaceSpec internal = config.interfaces().get(0);
        assertEquals("internal", internal.name());
        assertEquals(InetAddress.getByName("192.0.2.10"), internal.local());
        assertEquals("203.0.113.7", internal.advertisedText());
        assertEquals("external", config.interfaces().get(1).name());
        assertTrue(config.interfaces().get(1).ipv6());
        assertEquals(new InetSocketAddress("127.0.0.1", 22222), config.listenNg().get(0));
        assertEquals(40_000, config.portMin());
        assertEquals(40_999, config.portMax());
        assertEquals(45, config.timeoutS());
        assertEquals(600, config.silentTimeoutS());
        assertEquals(184, config.tos());
        assertTrue(config.warnings().stream().anyMatch(w -> w.contains("something-new")));
        assertTrue(config.warnings().stream().anyMatch(w -> w.contains("iptables-chain")));
    }

    @Test
    void recordingIsOffWithoutARecordingDirAndPcapRawByDefault() throws Exception {
        assertEquals(new RecordingConfig(null, false), RelayConfig.parse().recording());
        final RelayConfig raw = RelayConfig.parse("--recording-dir=/var/spool/rtpengine");
        assertEquals(new RecordingConfig(Path.of("/var/spool/rtpengine"), false), raw.recording());
        assertTrue(raw.warnings().isEmpty(), () -> "warnings: " + raw.warnings());
        final RelayConfig eth = RelayConfig.parse("--recording-dir=/x", "--recording-method=pcap",
            "--recording-format=eth");
        assertEquals(new RecordingConfig(Path.of("/x"), true), eth.recording());
        final RelayConfig proc = RelayConfig.parse("--recording-dir=/x", "--recording-method=proc");
        assertEquals(new RecordingConfig(null, false), proc.recording(), "proc needs rtpengine's kernel module");
        assertTrue(proc.warnings().stream().anyMatch(w -> w.contains("recording-method 'proc'")));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--recording-method=mp3"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--recording-format=pcapng"));
    }

    @Test
    void listenNgTakesAPortAnAddressAndPortOrABracketedIpv6() throws Exception {
        assertEquals(new InetSocketAddress("0.0.0.0", 2223), RelayConfig.parseListen("listen-ng", "2223"));
        assertEquals(new InetSocketAddress("::1", 2223), RelayConfig.parseListen("listen-ng", "[::1]:2223"));
        assertEquals(new InetSocketAddress("192.0.2.1", 9), RelayConfig.parseListen("listen-ng", "192.0.2.1:9"));
        assertThrows(ConfigException.class, () -> RelayConfig.parseListen("listen-ng", "host.example:2223"));
        assertThrows(ConfigException.class, () -> RelayConfig.parseListen("listen-ng", "127.0.0.1:99999"));
    }

    @Test
    void theKernelPathIsAutoByDefaultAndRtpenginesTableMinusOneTurnsItOff() throws Exception {
        assertEquals("auto", RelayConfig.parse().kernel());
        assertEquals(0, RelayConfig.parse().kernelTable());
        assertEquals("off", RelayConfig.parse("--table=-1").kernel());
        final RelayConfig table = RelayConfig.parse("--table=3");
        assertEquals("auto", table.kernel());
        assertEquals(3, table.kernelTable());
        assertTrue(table.warnings().isEmpty(), () -> "warnings: " + table.warnings());
        assertEquals("on", RelayConfig.parse("--kernel=on", "--table=-1").kernel(), "kernel= says it outright");
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--kernel=maybe"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--table=70000"));
    }

    @Test
    void badValuesNameTheKey() {
        final ConfigException port = assertThrows(ConfigException.class, () -> RelayConfig.parse("--port-min=abc"));
        assertTrue(port.getMessage().contains("port-min"), port.getMessage());
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--port-min=5000", "--port-max=4000"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--interface=not/an!address!x"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--transport=dpdk"));
        assertThrows(ConfigException.class, () -> RelayConfig.parse("--config-file=/nonexistent/rtpengine.conf"));
    }
}
