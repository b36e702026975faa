package io.rtprelay.control.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The files under {@code src/test/resources/system/}: Kamailio configurations and SIPp scenarios. Any thread. */
final class SystemResources {
    private SystemResources() {
    }

    /**
     * @param name a file name under {@code /system/} on the test class path.
     * @return its text (UTF-8).
     */
    static String text(final String name) {
        try (InputStream in = SystemResources.class.getResourceAsStream("/system/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource /system/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
