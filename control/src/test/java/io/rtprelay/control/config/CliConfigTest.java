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

/** {@code listen-cli}: rtpengine's key and syntax, now acted on. */
class CliConfigTest {
    @Test
    void theCliIsOffUnlessConfigured() throws Exception {
        assertNull(RelayConfig.parse().listenCli());
    }

    @Test
    void listenCliTakesDebiansRtpengineConfAndRtpenginesListenSyntax(@TempDir final Path dir) throws Exception {
        final Path conf = dir.resolve("rtpengine.conf");
        // the line Debian's packaged /etc/rtpengine/rtpengine.conf has
        Files.writeString(conf, """
            [rtpengine]
            listen-cli = 127.0.0.1:9900
            """);
        final RelayConfig fromFile = RelayConfig.parse("--config-file=" + conf);
        assertEquals(new InetSocketAddress("127.0.0.1", 9900), fromFile.listenCli());
        assertTrue(fromFile.warnings().isEmpty(), fromFile.warnings()::toString);
        assertEquals(new InetSocketAddress("0.0.0.0", 9901), RelayConfig.parse("--listen-cli=9901").listenCli());
        assertEquals(new InetSocketAddress("::1", 9902), RelayConfig.parse("--listen-cli=[::1]:9902").listenCli());
    }

    @Test
    void aBadListenCliNamesTheKey() {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RelayConfig.parse("--listen-cli=localhost:99999"));
        assertTrue(e.getMessage().startsWith("listen-cli 'localhost:99999'"), e.getMessage());
    }
}
