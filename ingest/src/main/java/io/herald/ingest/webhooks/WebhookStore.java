package io.herald.ingest.webhooks;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.WebhookKeys;
import io.herald.runtime.audit.AuditEntries;
import io.herald.schemas.Topics;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.runtime.kafka.TransactionalProducer;
import io.herald.runtime.security.SecretCipher;
import io.herald.signatures.WebhookKeyPairs;
import io.herald.signatures.WebhookSecrets;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.AsymmetricSigningKey;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.schemas.webhook.Webhook;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes webhook definitions to the compacted {@link Topics#SUBSCRIPTIONS} topic, the source of truth the router
 * and deliverers read, each change together with its {@link Topics#AUDIT} entry in one Kafka transaction: a change
 * is stored with its audit record or not at all. Secrets are encrypted before they leave this class.
 */
public final class WebhookStore implements AutoCloseable {

    /** The audit actor of changes made by Herald itself or through this Java API rather than the HTTP API. */
    public static final String SYSTEM_ACTOR = "system";

    private final TransactionalProducer<String, SpecificRecord> producer;
    private final SecretCipher cipher;
    private final Clock clock;
    private final ForbiddenAddresses destinations;

    WebhookStore(TransactionalProducer<String, SpecificRecord> producer, SecretCipher cipher, Clock clock,
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
    public static WebhookStore create(KafkaClients kafka, RegistryEndpoint registry, SecretCipher cipher,
            ForbiddenAddresses destinations) {
        String transactionalId = "herald-webhook-store-" + UUID.randomUUID();
        return new WebhookStore(TransactionalProducer.start(transactionalId, kafka.transactional("herald-webhook-store",
                transactionalId, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        (int) TransactionalProducer.REQUEST_MAX_BLOCK.toMillis()),
                new StringSerializer(), HeraldSerdes.<SpecificRecord>valueSerializer(registry))), cipher,
                Clock.systemUTC(), destinations);
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
        Webhook webhook = Webhook.newBuilder()
                .setId(id)
                .setTenant(definition.tenant())
                .setName(definition.name())
                .setDescription(definition.description())
                .setUrl(definition.url())
                .setEventTypes(definition.eventTypes())
                .setActive(definition.active())
                .setDisabledReason(definition.active() ? null : "created inactive")
                .setDisabledAt(definition.active() ? null : now)
                .setSigningSecrets(List.of(cipher.encrypt(signingSecret, id)))
                .setAsymmetricKey(definition.asymmetricSignature() ? newAsymmetricKey(id) : null)
                .setHeraldSignature(definition.heraldSignature())
                .setHeaders(definition.headers())
                .setTimeoutMs(definition.timeoutMs())
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .setVersion(1)
                .build();
        write(null, webhook, SYSTEM_ACTOR, "webhook.created");
        return new CreatedWebhook(webhook, signingSecret);
    }

    /** A fresh ed25519 key pair for a webhook, its secret half encrypted. */
    public AsymmetricSigningKey newAsymmetricKey(String webhookId) {
        WebhookKeyPairs.Keys keys = WebhookKeyPairs.generate();
        return new AsymmetricSigningKey(keys.publicKey(), cipher.encrypt(keys.secretKey(), webhookId));
    }

    /** The cipher secrets are encrypted with, for callers that build webhooks themselves. */
    public SecretCipher cipher() {
        return cipher;
    }

    /**
     * Stores a change atomically with its audit entry; returns once both are durable.
     *
     * @param before the webhook before the change, or null when it is new
     * @param after the webhook after the change, or null to delete it (a tombstone)
     * @param action what happened, e.g. {@code webhook.updated}
     * @throws StoreUnavailableException if Kafka did not take the change; nothing was written
     */
    public synchronized void write(Webhook before, Webhook after, String actor, String action) {
        Webhook subject = after != null ? after : before;
        String key = WebhookKeys.of(subject.getTenant(), subject.getId());
        AuditEntry audit = AuditEntries.change(before, after, actor, action, clock.instant());
        commit(List.of(new ProducerRecord<>(Topics.SUBSCRIPTIONS, key, after),
                new ProducerRecord<>(Topics.AUDIT, subject.getTenant(), audit)));
    }

    /** Records an audit entry for something that changed no webhook (e.g. a secret revealed). */
    public synchronized void audit(Webhook subject, String actor, String action) {
        AuditEntry audit = AuditEntries.event(subject, actor, action, clock.instant());
        commit(List.of(new ProducerRecord<>(Topics.AUDIT, subject.getTenant(), audit)));
    }

    /** Writes the records in one transaction: all of them become visible, or none. */
    private void commit(List<ProducerRecord<String, SpecificRecord>> records) {
        try {
            producer.inTransaction(transaction -> {
                records.forEach(transaction::send);
                return null;
            });
        } catch (KafkaException e) {
            throw new StoreUnavailableException("storing the webhook change failed: " + e.getMessage(), e);
        }
    }

    /** Whether changes can be stored now: the store's producer is initialised (readiness). */
    public boolean ready() {
        return producer.ready();
    }

    @Override
    public void close() {
        producer.close();
    }
}
