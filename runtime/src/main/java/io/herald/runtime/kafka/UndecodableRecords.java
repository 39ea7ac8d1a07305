package io.herald.runtime.kafka;

import io.herald.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;

/**
 * What a plain consumer loop does with a record its deserializer could not decode. When the schema registry, not
 * the record, is why (unavailable, or refusing the credentials), the record is read again after a pause: never
 * passed over. Otherwise it is logged with its coordinates and passed over.
 */
public final class UndecodableRecords {

    /** Between readings of a record the registry failed to decode (the registry client already retried within). */
    static final Duration REGISTRY_RETRY_PAUSE = Duration.ofSeconds(1);

    private UndecodableRecords() {
    }

    /**
     * Seeks {@code consumer} back to the record to read it again (after a pause), or past it.
     *
     * @param what what the record is, for the log ("delivery", "record")
     */
    public static void readAgainOrSkip(Consumer<?, ?> consumer, RecordDeserializationException e, Logger log,
            String what) {
        if (SchemaRegistryException.retryLater(e)) {
            log.warn("Could not decode the {} at {}@{}, the schema registry failed: {}; retrying", what,
                    e.topicPartition(), e.offset(), e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            consumer.seek(e.topicPartition(), e.offset());
            try {
                Thread.sleep(REGISTRY_RETRY_PAUSE.toMillis());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        log.error("Skipping undecodable {} at {}@{}: {}", what, e.topicPartition(), e.offset(), e.getMessage());
        consumer.seek(e.topicPartition(), e.offset() + 1);
    }
}
