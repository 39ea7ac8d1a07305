package io.herald.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema registry refused a request: credentials refused, a schema incompatible or unknown. Retrying the same
 * request does not help; the message says what to fix and never carries a credential.
 */
public class SchemaRegistryException extends SerializationException {

    private final int status;

    public SchemaRegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public SchemaRegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status of the registry's answer, 0 when there was none. */
    public int status() {
        return status;
    }

    /**
     * Whether the registry, not the record, is why this failed, so the same record may pass later: the registry
     * was unavailable, or refused the credentials (an operator fixes those). A record that failed for this reason
     * is tried again, never skipped or quarantined.
     */
    public boolean retryLater() {
        return status == 401 || status == 403;
    }

    /** Whether {@code error}, or what caused it, is a registry failure that {@link #retryLater() may pass later}. */
    public static boolean retryLater(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry && registry.retryLater()) {
                return true;
            }
        }
        return false;
    }
}
