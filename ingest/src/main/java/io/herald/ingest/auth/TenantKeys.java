package io.herald.ingest.auth;

import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.kafka.TransactionalProducer;
import io.herald.runtime.store.TopicReader;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.Topics;
import io.herald.schemas.auth.ApiKey;
import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.AuditEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Tenant API keys created at runtime: stored as SHA-256 hashes on the compacted {@link Topics#API_KEYS} topic with
 * their audit entry in the same transaction, and read back by every ingest instance, so a key created or revoked
 * on one instance works, or stops working, on all of them as soon as they have read the record (well under a
 * second). The key itself is returned once, by {@link #create}, and kept nowhere.
 */
public final class TenantKeys implements AutoCloseable {

    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

    private final TransactionalProducer<String, SpecificRecord> producer;
    private final TopicReader<ApiKey> reader;
    private final Clock clock;
    private final Map<String, ApiKey> byId = new ConcurrentHashMap<>();
    private final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();

    /** A key just created: its record, and the key, which is shown this once. */
    public record Created(ApiKey record, String key) {
    }

    private TenantKeys(KafkaClients kafka, RegistryEndpoint registry, Clock clock, Duration loadTimeout) {
        this.clock = clock;
        String transactionalId = "herald-api-keys-" + UUID.randomUUID();
        this.producer = TransactionalProducer.start(transactionalId, kafka.transactional("herald-api-keys",
                transactionalId, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        (int) TransactionalProducer.REQUEST_MAX_BLOCK.toMillis()),
                new StringSerializer(), HeraldSerdes.<SpecificRecord>valueSerializer(registry)));
        this.reader = TopicReader.start(kafka, Topics.API_KEYS, HeraldSerdes.<ApiKey>valueDeserializer(registry),
                "herald-ingest-api-keys", TopicReader.Start.BEGINNING, this::apply, loadTimeout);
    }

    public static TenantKeys start(KafkaClients kafka, RegistryEndpoint registry, Clock clock, Duration loadTimeout) {
        return new TenantKeys(kafka, registry, clock, loadTimeout);
    }

    /**
     * Creates a key; returns once it is durable and works on this instance.
     *
     * @throws org.apache.kafka.common.KafkaException when Kafka did not take it; no key was created
     */
    public Created create(String actor, String tenant, String name, KeyScope scope, Instant expiresAt) {
        String key = HeraldIds.newApiKeySecret();
        ApiKey record = ApiKey.newBuilder()
                .setId(HeraldIds.newApiKeyId())
                .setTenant(tenant)
                .setName(name)
                .setScope(scope.wireName())
                .setKeyHash(ApiKeys.hash(key))
                .setCreatedAt(clock.instant())
                .setCreatedBy(actor)
                .setExpiresAt(expiresAt)
                .build();
        write(record, actor, "api_key.created");
        return new Created(record, key);
    }

    /**
     * Revokes a key for good; returns its record, unchanged when it was revoked before.
     *
     * @throws org.apache.kafka.common.KafkaException when Kafka did not take it; the key still works
     */
    public Optional<ApiKey> revoke(String actor, String id) {
        Optional<ApiKey> current = get(id);
        if (current.isEmpty() || current.get().getRevokedAt() != null) {
            return current;
        }
        ApiKey revoked = ApiKey.newBuilder(current.get()).setRevokedAt(clock.instant()).setRevokedBy(actor).build();
        write(revoked, actor, "api_key.revoked");
        return Optional.of(revoked);
    }

    /** The keys of a tenant, revoked and expired ones too, oldest first. */
    public List<ApiKey> list(String tenant) {
        return byId.values().stream()
                .filter(key -> key.getTenant().equals(tenant))
                .sorted(Comparator.comparing(ApiKey::getCreatedAt).thenComparing(ApiKey::getId))
                .toList();
    }

    public Optional<ApiKey> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The caller a presented key belongs to, while it is neither revoked nor expired. */
    public Optional<Caller> authenticate(String presentedKey) {
        if (presentedKey == null || !presentedKey.startsWith(HeraldIds.API_KEY_SECRET_PREFIX)) {
            return Optional.empty();
        }
        ApiKey key = byHash.get(ApiKeys.hash(presentedKey.trim()));
        if (key == null || !isLive(key, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(new Caller(key.getTenant(), key.getName(), KeyScope.parse(key.getScope())
                .orElse(KeyScope.READ_ONLY)));
    }

    /** Whether a key works at that time. */
    public static boolean isLive(ApiKey key, Instant at) {
        return key.getRevokedAt() == null && (key.getExpiresAt() == null || at.isBefore(key.getExpiresAt()));
    }

    /** Whether keys can be created now (readiness). */
    public boolean ready() {
        return producer.ready();
    }

    private void write(ApiKey record, String actor, String action) {
        AuditEntry audit = AuditEntry.newBuilder()
                .setId(HeraldIds.newAuditId())
                .setTenant(record.getTenant())
                .setActor(actor)
                .setAction(action)
                .setWebhookId(record.getId()) // the subject of the entry: here the key
                .setAt(clock.instant())
                .setAfter(describe(record))
                .build();
        producer.inTransaction(transaction -> {
            transaction.send(new ProducerRecord<>(Topics.API_KEYS, record.getId(), record));
            transaction.send(new ProducerRecord<>(Topics.AUDIT, record.getTenant(), audit));
            return null;
        });
        reader.awaitSynced(SYNC_TIMEOUT); // works here before the answer goes out
    }

    /** The key's record as the audit log shows it: everything but its hash. */
    private static String describe(ApiKey key) {
        // Ids, slugs, names and scopes are all from restricted alphabets: nothing to escape.
        return "{\"id\":\"" + key.getId() + "\",\"tenant\":\"" + key.getTenant() + "\",\"name\":\"" + key.getName()
                + "\",\"scope\":\"" + key.getScope() + "\",\"expiresAt\":"
                + (key.getExpiresAt() == null ? "null" : "\"" + key.getExpiresAt() + "\"")
                + ",\"revokedAt\":" + (key.getRevokedAt() == null ? "null" : "\"" + key.getRevokedAt() + "\"") + "}";
    }

    private void apply(ConsumerRecord<String, ApiKey> record) {
        if (record.key() == null) {
            return;
        }
        ApiKey before = record.value() == null ? byId.remove(record.key()) : byId.put(record.key(), record.value());
        if (before != null) {
            byHash.remove(before.getKeyHash());
        }
        if (record.value() != null) {
            byHash.put(record.value().getKeyHash(), record.value());
        }
    }

    @Override
    public void close() {
        reader.close();
        producer.close();
    }
}
