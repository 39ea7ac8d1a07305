package io.herald.runtime.config;

/** A configuration value is missing or invalid; the service does not start. The message says which and why. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
