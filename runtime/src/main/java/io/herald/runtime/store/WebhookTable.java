package io.herald.runtime.store;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.WebhookKeys;
import io.herald.schemas.Topics;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.Webhook;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A service's view of every webhook: the compacted {@link Topics#SUBSCRIPTIONS} topic read from the start and kept
 * up to date (tombstones remove). {@link #syncToEnd()} lets a caller wait until the view includes everything
 * written so far: read-your-writes for the management API, and a catch-up for a deliverer that meets a webhook
 * newer than its view.
 */
public final class WebhookTable implements AutoCloseable {

    private final Map<String, Webhook> byWebhookId = new ConcurrentHashMap<>();
    private final TopicReader<Webhook> reader;

    private WebhookTable(KafkaClients kafka, RegistryEndpoint registry, String clientId, Duration loadTimeout) {
        this.reader = TopicReader.start(kafka, Topics.SUBSCRIPTIONS,
                HeraldSerdes.<Webhook>valueDeserializer(registry), clientId, TopicReader.Start.BEGINNING,
                this::apply, loadTimeout);
    }

    /** Starts reading and returns once everything already on the topic is loaded. */
    public static WebhookTable start(KafkaClients kafka, RegistryEndpoint registry, String clientId,
            Duration loadTimeout) {
        return new WebhookTable(kafka, registry, clientId, loadTimeout);
    }

    public Optional<Webhook> find(String webhookId) {
        return Optional.ofNullable(byWebhookId.get(webhookId));
    }

    /** The webhooks of one tenant, in no particular order. */
    public List<Webhook> ofTenant(String tenant) {
        return byWebhookId.values().stream().filter(s -> s.getTenant().equals(tenant)).toList();
    }

    /** Completes once the view includes every webhook record written before this call. */
    public CompletableFuture<Void> syncToEnd() {
        return reader.syncToEnd();
    }

    /** Blocks until {@link #syncToEnd()} completes. */
    public void awaitSynced(Duration timeout) {
        reader.awaitSynced(timeout);
    }

    private void apply(ConsumerRecord<String, Webhook> record) {
        String webhookId = WebhookKeys.webhookId(record.key());
        if (record.value() == null) {
            byWebhookId.remove(webhookId);
        } else {
            byWebhookId.put(webhookId, record.value());
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
