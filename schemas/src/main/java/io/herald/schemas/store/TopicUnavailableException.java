package io.herald.schemas.store;

/** A topic could not be read in time: Kafka is away or slow. Callers answer "try again later", never "your fault". */
public final class TopicUnavailableException extends IllegalStateException {

    public TopicUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
