package io.herald.ingest.webhooks;

/** Kafka did not take a webhook change; nothing was written. Retrying later is safe. */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
