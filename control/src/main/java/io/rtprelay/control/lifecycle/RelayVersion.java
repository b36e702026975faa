package io.rtprelay.control.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The relay's version, as the build wrote it ({@code version.properties}, filtered from the Maven project version):
 * announced on NATS and in the NATS service's {@code $SRV.INFO}. Immutable.
 */
public final class RelayVersion {
    /** Used when the build's file is missing (classes compiled outside Maven); a valid semantic version. */
    public static final String UNKNOWN = "0.0.0-dev";

    private static final String VERSION = read();

    private RelayVersion() {
    }

    /** @return the version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = RelayVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            final Properties properties = new Properties();
            properties.load(in);
            final String version = properties.getProperty("version", "").strip();
            return version.isEmpty() || version.startsWith("${") ? UNKNOWN : version;
        } catch (final IOException e) {
            return UNKNOWN;
        }
    }
}
