package io.herald.runtime.store;

import org.apache.kafka.common.KafkaException;

/** A topic could not be read in time: Kafka is away or slow. Callers answer "try again later", never "your fault". */
public final class TopicUnavailableException extends KafkaException {

    public TopicUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
