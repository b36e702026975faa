package io.rtprelay.control.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code listen-http} (rtpengine's key, now acted on) and {@code log-format} (ours). */
class HttpAndLogConfigTest {
    @Test
    void httpIsOffAndLogsAreTextUnlessConfigured() throws Exception {
        final RelayConfig config = RelayConfig.parse();
        assertNull(config.listenHttp());
        assertEquals("text", config.logFormat());
    }

    @Test
    void listenHttpTakesRtpenginesListenSyntaxAndIsNoLongerReportedAsIgnored(@TempDir final Path dir)
        throws Exception {
        final Path conf = dir.resolve("rtpengine.conf");
        Files.writeString(conf, """
            [rtpengine]
            listen-http = 9101
            log-format = json
            """);
        final RelayConfig fromFile = RelayConfig.parse("--config-file=" + conf);
        assertEquals(new InetSocketAddress("0.0.0.0", 9101), fromFile.listenHttp());
        assertEquals("json", fromFile.logFormat());
        assertTrue(fromFile.warnings().isEmpty(), fromFile.warnings()::toString);
        assertEquals(new InetSocketAddress("127.0.0.1", 9102),
            RelayConfig.parse("--config-file=" + conf, "--listen-http=127.0.0.1:9102").listenHttp());
    }

    @Test
    void badValuesNameTheKey() {
        final ConfigException http = assertThrows(ConfigException.class,
            () -> RelayConfig.parse("--listen-http=nowhere:80"));
        assertTrue(http.getMessage().contains("listen-http"), http.getMessage());
        final ConfigException format = assertThrows(ConfigException.class, () -> RelayConfig.parse("--log-format=xml"));
        assertTrue(format.getMessage().contains("log-format"), format.getMessage());
    }
}
