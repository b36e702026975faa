package io.rtprelay.control.system;

import io.rtprelay.control.testkit.FreePorts;
import io.rtprelay.control.testkit.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Kamailio (Debian package kamailio, with its rtpengine module) on loopback, started in the foreground
 * ({@code -DD -E}) from one of the configurations in {@code src/test/resources/system/} with its {@code {{...}}}
 * placeholders filled in, its runtime directory in the test's temporary directory. Used from the test thread.
 */
final class Kamailio implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/kamailio");
    private static final String READY = "system test: kamailio workers ready";

    private final ManagedProcess process;
    private final InetSocketAddress sipAddress;
    private final Path configFile;

    private Kamailio(final ManagedProcess process, final InetSocketAddress sipAddress, final Path configFile) {
        this.process = process;
        this.sipAddress = sipAddress;
        this.configFile = configFile;
    }

    /**
     * Writes the configuration and starts Kamailio; returns once its first worker has initialised (by then its
     * rtpengine module has pinged the relay).
     *
     * @param configResource a configuration under {@code /system/} on the test class path.
     * @param ngAddress      where the relay under test takes ng commands.
     * @param uasPort        the loopback port of the SIP endpoint new calls go to.
     * @param directory      a fresh directory for the configuration and the runtime files.
     * @return the running proxy.
     */
    static Kamailio start(final String configResource, final InetSocketAddress ngAddress, final int uasPort,
                          final Path directory) {
        final int sipPort = FreePorts.childUdp();
        final String config = SystemResources.text(configResource)
            .replace("{{SIP_PORT}}", Integer.toString(sipPort))
            .replace("{{NG_HOST}}", ngAddress.getHostString())
            .replace("{{NG_PORT}}", Integer.toString(ngAddress.getPort()))
            .replace("{{UAS_PORT}}", Integer.toString(uasPort));
        if (config.contains("{{")) {
            throw new IllegalArgumentException("unfilled placeholder in " + configResource);
        }
        try {
            final Path runtime = Files.createDirectories(directory.resolve("kamailio-run"));
            final Path configFile = Files.writeString(directory.resolve("kamailio.cfg"), config);
            final ManagedProcess process = ManagedProcess.start("kamailio", List.of(BINARY.toString(),
                "-DD", "-E", "-f", configFile.toString(), "-Y", runtime.toString(), "-m", "32", "-M", "4"),
                directory);
            try {
                process.awaitLine(READY, Duration.ofSeconds(10));
            } catch (final RuntimeException e) {
                process.close();
                throw e;
            }
            return new Kamailio(process, new InetSocketAddress("127.0.0.1", sipPort), configFile);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return where it takes SIP over UDP. */
    InetSocketAddress sipAddress() {
        return sipAddress;
    }

    /** @return the configuration it runs. */
    Path configFile() {
        return configFile;
    }

    /** @return the process, for its log. */
    ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
