package io.herald.ingest.audit;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.Topics;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.runtime.store.TopicReader;
import io.herald.schemas.webhook.AuditEntry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The audit topic read into memory, newest entries kept per tenant (a tenant's entries share a partition, so they
 * arrive in order). The topic remains the complete record; this serves the API's recent history.
 */
public final class AuditLog implements AutoCloseable {

    static final int KEPT_PER_TENANT = 10_000;
    private static final Duration READ_SYNC_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Deque<AuditEntry>> byTenant = new ConcurrentHashMap<>();
    private final TopicReader<AuditEntry> reader;

    public AuditLog(KafkaClients kafka, RegistryEndpoint registry, Duration loadTimeout) {
        this.reader = TopicReader.start(kafka, Topics.AUDIT,
                HeraldSerdes.<AuditEntry>valueDeserializer(registry), "herald-ingest-audit",
                TopicReader.Start.BEGINNING, this::apply, loadTimeout);
    }

    /**
     * Newest first.
     *
     * @param webhookId only entries of this webhook, or null for all
     * @param before only entries older than the entry with this id (the previous page's cursor), or null
     */
    public List<AuditEntry> page(String tenant, String webhookId, String before, int limit) {
        reader.awaitSynced(READ_SYNC_TIMEOUT);
        Deque<AuditEntry> entries = byTenant.getOrDefault(tenant, new ArrayDeque<>());
        List<AuditEntry> page = new ArrayList<>();
        synchronized (entries) {
            boolean started = before == null;
            for (Iterator<AuditEntry> newestFirst = entries.descendingIterator(); newestFirst.hasNext(); ) {
                AuditEntry entry = newestFirst.next();
                if (!started) {
                    started = entry.getId().equals(before);
                    continue;
                }
                if (webhookId == null || webhookId.equals(entry.getWebhookId())) {
                    page.add(entry);
                    if (page.size() == limit) {
                        break;
                    }
                }
            }
        }
        return page;
    }

    private void apply(ConsumerRecord<String, AuditEntry> record) {
        AuditEntry entry = record.value();
        if (entry == null) {
            return;
        }
        Deque<AuditEntry> entries = byTenant.computeIfAbsent(entry.getTenant(), t -> new ArrayDeque<>());
        synchronized (entries) {
            entries.addLast(entry);
            if (entries.size() > KEPT_PER_TENANT) {
                entries.removeFirst();
            }
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
