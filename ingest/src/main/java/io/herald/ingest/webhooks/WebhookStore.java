package io.herald.ingest.webhooks;

import io.herald.schemas.HeraldIds;
import io.herald.schemas.SubscriptionKeys;
import io.herald.schemas.Topics;
import io.herald.schemas.egress.ForbiddenAddresses;
import io.herald.schemas.security.SecretCipher;
import io.herald.schemas.security.WebhookKeyPairs;
import io.herald.schemas.security.WebhookSecrets;
import io.herald.schemas.subscription.AsymmetricSigningKey;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.subscription.Subscription;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes webhook definitions to the compacted {@link Topics#SUBSCRIPTIONS} topic, the source of truth that the
 * router and deliverers read. Secrets are encrypted before they leave this class.
 */
public final class WebhookStore implements AutoCloseable {

    private final Producer<String, Subscription> producer;
    private final SecretCipher cipher;
    private final Clock clock;
    private final ForbiddenAddresses destinations;

    WebhookStore(Producer<String, Subscription> producer, SecretCipher cipher, Clock clock,
            ForbiddenAddresses destinations) {
        this.producer = producer;
        this.cipher = cipher;
        this.clock = clock;
        this.destinations = destinations;
    }

    /**
     * @param destinations which webhook hosts are refused: literal forbidden addresses are rejected here, names are
     *     checked by the deliverer when they resolve
     */
    public static WebhookStore create(String bootstrapServers, String registryUrl, SecretCipher cipher,
            ForbiddenAddresses destinations) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "herald-webhook-store",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new WebhookStore(new KafkaProducer<>(props, new StringSerializer(),
                HeraldSerdes.<Subscription>valueSerializer(registryUrl)), cipher, Clock.systemUTC(), destinations);
    }

    /** Stores a new webhook with a generated {@code whsec_} secret; returns once it is durable. */
    public CreatedWebhook create(WebhookDefinition definition) {
        return create(definition, WebhookSecrets.generate());
    }

    /** Stores a new webhook with the given {@code whsec_} secret; returns once it is durable. */
    public CreatedWebhook create(WebhookDefinition definition, String signingSecret) {
        destinations.reasonToRefuseHost(URI.create(definition.url()).getHost()).ifPresent(reason -> {
            throw new IllegalArgumentException("invalid webhook: url: " + reason);
        });
        if (!WebhookSecrets.isValid(signingSecret)) {
            throw new IllegalArgumentException("signingSecret must be whsec_ followed by base64 of 24-64 bytes");
        }
        String id = HeraldIds.newWebhookId();
        Instant now = clock.instant();
        Subscription subscription = Subscription.newBuilder()
                .setId(id)
                .setTenant(definition.tenant())
                .setName(definition.name())
                .setDescription(definition.description())
                .setUrl(definition.url())
                .setEventTypes(definition.eventTypes())
                .setActive(definition.active())
                .setDisabledReason(definition.active() ? null : "created inactive")
                .setSigningSecrets(List.of(cipher.encrypt(signingSecret, id)))
                .setAsymmetricKey(definition.asymmetricSignature() ? asymmetricKey(id) : null)
                .setHeraldSignature(definition.heraldSignature())
                .setHeaders(definition.headers())
                .setTimeoutMs(definition.timeoutMs())
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .setVersion(1)
                .build();
        await(put(subscription));
        return new CreatedWebhook(subscription, signingSecret);
    }

    private AsymmetricSigningKey asymmetricKey(String webhookId) {
        WebhookKeyPairs.Keys keys = WebhookKeyPairs.generate();
        return new AsymmetricSigningKey(keys.publicKey(), cipher.encrypt(keys.secretKey(), webhookId));
    }

    /** Writes a subscription as it is (the next version of an existing webhook, typically). */
    public CompletableFuture<Void> put(Subscription subscription) {
        return send(new ProducerRecord<>(Topics.SUBSCRIPTIONS,
                SubscriptionKeys.of(subscription.getTenant(), subscription.getId()), subscription));
    }

    /** Deletes a webhook: a tombstone, which compaction keeps until every reader has seen it. */
    public CompletableFuture<Void> delete(String tenant, String webhookId) {
        return send(new ProducerRecord<>(Topics.SUBSCRIPTIONS, SubscriptionKeys.of(tenant, webhookId), null));
    }

    private CompletableFuture<Void> send(ProducerRecord<String, Subscription> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    private static void await(CompletableFuture<Void> write) {
        try {
            write.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing a webhook", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("storing the webhook failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
