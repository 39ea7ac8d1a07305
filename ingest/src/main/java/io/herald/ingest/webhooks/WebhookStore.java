package io.herald.ingest.webhooks;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.WebhookKeys;
import io.herald.runtime.audit.AuditEntries;
import io.herald.schemas.CloudEventHeaders;
import io.herald.schemas.IamEvents;
import io.herald.schemas.data.HeraldWebhookDisabled;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.health.WebhookDisableRequest;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Optional;
import java.util.function.UnaryOperator;
import io.herald.ingest.http.ApiException;
import io.herald.runtime.store.WebhookTable;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes webhook definitions to the compacted {@link Topics#SUBSCRIPTIONS} topic, the source of truth the router
 * and deliverers read, each change together with its {@link Topics#AUDIT} entry in one Kafka transaction: a change
 * is stored with its audit record or not at all. Secrets are encrypted before they leave this class.
 *
 * <p>Every ingest instance writes with the same transactional id, {@value #WRITER_TRANSACTIONAL_ID}, so Kafka
 * lets one of them write at a time: an instance that starts writing fences the one that wrote before (whose
 * transaction, if open, is aborted), and a fenced instance's commit fails. {@link #update} reads the webhook
 * inside its transaction, after its producer fenced the others, from a view synced to the end of the topic: it
 * sees every change committed before, and no other change can commit before its own does. So a change is always
 * made to the latest version, versions go up by one, and an {@code If-Match} precondition is exact across
 * instances. A fenced update is made again from the new latest version.
 */
public final class WebhookStore implements AutoCloseable {

    /** The audit actor of changes made by Herald itself or through this Java API rather than the HTTP API. */
    public static final String SYSTEM_ACTOR = "system";
    /** The transactional id of every webhook writer of every ingest instance: see the class comment. */
    public static final String WRITER_TRANSACTIONAL_ID = "herald-webhook-writer";
    /** How long a change keeps being tried while other instances take their turns. */
    private static final Duration WRITE_DEADLINE = Duration.ofSeconds(20);
    /** Tries of an update after failures other than fencing (and Kafka's timeouts, which mean it is away). */
    private static final int MAX_OTHER_FAILURES = 3;
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

    private final TransactionalProducer<String, SpecificRecord> producer;
    /** Held by the change being written, through its retries. */
    private final Object writing = new Object();
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
        String transactionalId = WRITER_TRANSACTIONAL_ID;
        return new WebhookStore(TransactionalProducer.startShared(transactionalId, kafka.transactional(
                "herald-webhook-store", transactionalId, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG,
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
        // For a new webhook (nothing to race with), and for tests that write a given state; changes go through update.
        Webhook subject = after != null ? after : before;
        String key = WebhookKeys.of(subject.getTenant(), subject.getId());
        AuditEntry audit = AuditEntries.change(before, after, actor, action, clock.instant());
        commit(List.of(new ProducerRecord<>(Topics.SUBSCRIPTIONS, key, after),
                new ProducerRecord<>(Topics.AUDIT, subject.getTenant(), audit)));
    }

    /**
     * Changes the latest stored version of a webhook, atomically with its audit entry, with every other writer
     * of every instance held off (see the class comment); returns the webhook as stored, or as it was when
     * {@code change} deleted it.
     *
     * @param precondition the versions the caller's change was made against (If-Match), or null for any
     * @param change the webhook after the change, given the latest before it; null to delete it. It runs again
     *     when another writer got in first, so it must do nothing but compute (its version is set here)
     * @throws ApiException 404 when the tenant has no such webhook, 412 when its version fails the precondition,
     *     or whatever {@code change} throws; nothing is written then
     * @throws StoreUnavailableException if Kafka did not take the change; nothing was written
     */
    public Webhook update(WebhookTable view, String tenant, String id, IfMatch precondition,
            UnaryOperator<Webhook> change, String actor, String action) {
        // What the last try wrote: a commit the broker answered with an error may still have been made (seen:
        // UNKNOWN_SERVER_ERROR on EndTxn while another instance fenced this one), so a retry first checks.
        AtomicReference<Webhook> tried = new AtomicReference<>();
        AtomicBoolean triedDelete = new AtomicBoolean();
        return inWriterTransaction(transaction -> {
            // After this producer fenced every other writer: the view now holds the latest version.
            view.awaitSynced(SYNC_TIMEOUT);
            Optional<Webhook> latest = view.find(id).filter(w -> w.getTenant().equals(tenant));
            if (tried.get() != null && (triedDelete.get() ? latest.isEmpty() : latest.equals(Optional.of(tried.get())))) {
                return tried.get(); // the earlier try was committed after all
            }
            Webhook before = latest.orElseThrow(() -> ApiException.notFound("webhook " + id));
            if (precondition != null && !precondition.matches(before.getVersion())) {
                throw ApiException.preconditionFailed("webhook " + id + " is at version "
                        + IfMatch.etag(before.getVersion()) + ", not " + precondition.expected()
                        + " (If-Match): it changed since it was read; read it again and make the change "
                        + "to that version");
            }
            Webhook changed = change.apply(before);
            Webhook after = changed == null ? null
                    : Webhook.newBuilder(changed).setVersion(before.getVersion() + 1).build();
            tried.set(after != null ? after : before);
            triedDelete.set(after == null);
            transaction.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS, WebhookKeys.of(tenant, id), after));
            transaction.send(new ProducerRecord<>(Topics.AUDIT, tenant,
                    AuditEntries.change(before, after, actor, action, clock.instant())));
            return after != null ? after : before;
        }, true);
    }

    /** What became of a disable the router asked for. */
    public enum HeraldDisable {
        /** Disabled, audited and the tenant told, together. */
        DISABLED,
        /** The webhook changed since its failures were counted: left as it is, and audited so. */
        SKIPPED_CHANGED,
        /** Already disabled, or deleted: nothing to do. */
        NOTHING_TO_DO
    }

    /**
     * Disables a webhook the router found failing, if it is still at the version whose failures were counted, with
     * the audit entry and the {@code herald.webhook.disabled} notice in the same transaction; through the one
     * writer, so it never undoes an admin's change made meanwhile.
     *
     * @throws StoreUnavailableException if Kafka did not take it; nothing was written
     */
    public HeraldDisable disableForHerald(WebhookTable view, WebhookDisableRequest request) {
        HeraldWebhookDisabled notice = request.getNotice();
        String id = notice.getWebhookId();
        String tenant = request.getTenant();
        AtomicReference<Webhook> tried = new AtomicReference<>();
        return inWriterTransaction(transaction -> {
            view.awaitSynced(SYNC_TIMEOUT);
            Optional<Webhook> latest = view.find(id).filter(w -> w.getTenant().equals(tenant));
            if (latest.isEmpty() || !latest.get().getActive()) {
                return latest.isPresent() && latest.get().equals(tried.get()) ? HeraldDisable.DISABLED
                        : HeraldDisable.NOTHING_TO_DO;
            }
            Webhook before = latest.get();
            Instant now = clock.instant();
            if (before.getVersion() != request.getWebhookVersion()) {
                transaction.send(new ProducerRecord<>(Topics.AUDIT, tenant, AuditEntries.skippedDisable(before,
                        request.getWebhookVersion(), notice.getReason(), now)));
                return HeraldDisable.SKIPPED_CHANGED;
            }
            Webhook after = Webhook.newBuilder(before).setActive(false).setDisabledReason(notice.getReason())
                    .setDisabledAt(now).setUpdatedAt(now).setVersion(before.getVersion() + 1).build();
            tried.set(after);
            IamEvent event = IamEvents.of(tenant, notice, now);
            transaction.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS, WebhookKeys.of(tenant, id), after));
            transaction.send(new ProducerRecord<>(Topics.AUDIT, tenant, AuditEntries.change(before, after,
                    AuditEntries.HERALD_ACTOR, "webhook.disabled", now)));
            transaction.send(new ProducerRecord<>(Topics.HERALD_EVENTS, null, IamEvents.key(event), event,
                    CloudEventHeaders.of(event)));
            return HeraldDisable.DISABLED;
        }, true);
    }

    /**
     * Runs {@code work} in one transaction of the shared writer; when another instance fenced this one meanwhile,
     * runs it again (the producer is replaced, fencing the other in turn).
     *
     * @throws StoreUnavailableException if Kafka did not take it; nothing was written
     */
    private <T> T inWriterTransaction(TransactionalProducer.Work<String, SpecificRecord, T> work) {
        return inWriterTransaction(work, false);
    }

    /**
     * @param checksItsRetries whether {@code work} finds out itself that an earlier try was committed: then a
     *     transaction the broker failed for another reason than fencing (its state unknown) is tried again too
     */
    private <T> T inWriterTransaction(TransactionalProducer.Work<String, SpecificRecord, T> work,
            boolean checksItsRetries) {
        // One change of this instance at a time, pauses included: a fenced instance stands back as a whole, so the
        // other gets a turn instead of the two fencing each other's queued changes for ever (seen under load:
        // 20 blind changes from two instances, one still fenced after 20 tries).
        synchronized (writing) {
            long deadline = System.nanoTime() + WRITE_DEADLINE.toNanos();
            int otherFailures = 0;
            for (int attempt = 1; ; attempt++) {
                try {
                    return producer.inTransaction(work);
                } catch (KafkaException e) {
                    boolean retry = fenced(e) || (checksItsRetries && !(e instanceof TimeoutException)
                            && ++otherFailures <= MAX_OTHER_FAILURES);
                    if (!retry || System.nanoTime() > deadline) {
                        throw new StoreUnavailableException("storing the webhook change failed: " + e.getMessage(),
                                e);
                    }
                    // Another instance wrote meanwhile: the work is done again, after what it wrote.
                    pauseBeforeRetry(attempt);
                }
            }
        }
    }

    private static boolean fenced(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException
                    || cause instanceof TransactionAbortableException) {
                return true;
            }
        }
        return false;
    }

    private static void pauseBeforeRetry(int attempt) {
        try {
            // Longer than the other instance takes to finish its change (sync, write, commit), and random, so
            // that two instances that fence each other do not keep aborting each other's changes in step.
            long unit = java.util.concurrent.ThreadLocalRandom.current().nextLong(100, 250);
            Thread.sleep(unit * Math.min(attempt, 4));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while storing the webhook change", e);
        }
    }

    /** Records an audit entry for something that changed no webhook (e.g. a secret revealed). */
    public synchronized void audit(Webhook subject, String actor, String action) {
        AuditEntry audit = AuditEntries.event(subject, actor, action, clock.instant());
        commit(List.of(new ProducerRecord<>(Topics.AUDIT, subject.getTenant(), audit)));
    }

    /** Writes the records in one transaction: all of them become visible, or none. */
    private void commit(List<ProducerRecord<String, SpecificRecord>> records) {
        inWriterTransaction(transaction -> {
            records.forEach(transaction::send);
            return null;
        });
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
