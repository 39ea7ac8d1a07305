package io.herald.router;

import io.herald.schemas.webhook.Webhook;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Keeps the global webhook store equal to the compacted herald.subscriptions topic (a tombstone deletes), and counts
 * each change in {@link WebhookChanges} so routing tasks drop what they remember of the store.
 */
final class WebhookStoreUpdater implements Processor<String, Webhook, Void, Void> {

    private final WebhookChanges changes;
    private TimestampedKeyValueStore<String, Webhook> store;

    WebhookStoreUpdater(WebhookChanges changes) {
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(RouterTopology.WEBHOOKS_STORE);
    }

    @Override
    public void process(Record<String, Webhook> record) {
        if (record.key() == null) {
            return; // nothing to file it under; the ingest API never writes one
        }
        changes.apply(() -> {
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
            }
        });
    }
}
