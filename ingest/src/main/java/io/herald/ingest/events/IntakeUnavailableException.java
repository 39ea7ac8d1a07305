package io.herald.ingest.events;

/** Kafka did not take a batch of events; nothing of it was published. */
public final class IntakeUnavailableException extends RuntimeException {

    public IntakeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
