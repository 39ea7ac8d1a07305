package io.herald.schemas.registry;

/**
 * The schema registry could not be reached or did not answer (timeouts, connection refused, 5xx, 429), after the
 * client's retries. Nothing was decided: the same request may succeed later, so a record that failed for this
 * reason is retried, never skipped or quarantined.
 */
public final class RegistryUnavailableException extends SchemaRegistryException {

    public RegistryUnavailableException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }

    @Override
    public boolean retryLater() {
        return true;
    }
}
