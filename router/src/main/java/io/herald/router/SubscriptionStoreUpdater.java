package io.herald.router;

import io.herald.schemas.subscription.Subscription;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Keeps the global subscriptions store equal to the compacted subscriptions topic (a tombstone deletes), and counts
 * each change in {@link SubscriptionChanges} so routing tasks drop what they remember of the store.
 */
final class SubscriptionStoreUpdater implements Processor<String, Subscription, Void, Void> {

    private final SubscriptionChanges changes;
    private TimestampedKeyValueStore<String, Subscription> store;

    SubscriptionStoreUpdater(SubscriptionChanges changes) {
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(RouterTopology.SUBSCRIPTIONS_STORE);
    }

    @Override
    public void process(Record<String, Subscription> record) {
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
