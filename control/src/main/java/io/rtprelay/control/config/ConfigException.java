package io.rtprelay.control.config;

/**
 * A configuration value that cannot be used; the message names the key and what is wrong with it.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the key and the problem.
     */
    public ConfigException(final String message) {
        super(message);
    }
}
