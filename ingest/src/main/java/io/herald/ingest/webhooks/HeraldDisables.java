package io.herald.ingest.webhooks;

import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.kafka.UndecodableRecords;
import io.herald.runtime.logging.LogKeys;
import io.herald.runtime.store.WebhookTable;
import io.herald.schemas.Topics;
import io.herald.schemas.health.WebhookDisableRequest;
import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.schemas.serde.HeraldSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the disables the router decides on ({@link Topics#WEBHOOK_DISABLE_REQUESTS}) through the one writer of
 * webhooks, {@link WebhookStore#disableForHerald}: the ingest instances share the requests as one consumer group.
 * A request is done at least once (offsets are committed after it is carried out); doing one again finds the webhook
 * disabled already and does nothing.
 */
public final class HeraldDisables implements AutoCloseable {

    /** The ingest instances' consumer group for the requests. */
    public static final String GROUP_ID = "herald-ingest-webhook-disables";
    private static final Logger LOG = LoggerFactory.getLogger(HeraldDisables.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

    private final KafkaConsumer<String, WebhookDisableRequest> consumer;
    private final WebhookStore store;
    private final WebhookTable view;
    private final Thread thread;
    private volatile boolean running = true;

    public HeraldDisables(KafkaClients kafka, RegistryEndpoint registry, WebhookStore store, WebhookTable view) {
        this.store = store;
        this.view = view;
        this.consumer = kafka.consumer("herald-ingest-webhook-disables", Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50),
                new StringDeserializer(), HeraldSerdes.<WebhookDisableRequest>valueDeserializer(registry));
        this.thread = new Thread(this::run, "herald-disables");
        this.thread.setDaemon(true);
        consumer.subscribe(List.of(Topics.WEBHOOK_DISABLE_REQUESTS));
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, WebhookDisableRequest> record : consumer.poll(POLL_TIMEOUT)) {
                        if (!carryOut(record)) {
                            // Kafka did not take it: read it again after a pause, nothing after it is committed.
                            consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                            Thread.sleep(RETRY_PAUSE.toMillis());
                            break;
                        }
                        consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1)));
                    }
                } catch (RecordDeserializationException e) {
                    UndecodableRecords.readAgainOrSkip(consumer, e, LOG, "disable request");
                } catch (org.apache.kafka.common.errors.RetriableException e) {
                    LOG.warn("Reading the disable requests failed ({}); trying again", e.toString());
                }
            }
        } catch (WakeupException | InterruptedException closing) {
            // close() stops us
        } catch (RuntimeException e) {
            LOG.error("Carrying out disables stopped; failing webhooks are no longer disabled", e);
        } finally {
            consumer.close();
        }
    }

    /** Whether the request was carried out (or needs nothing); false when Kafka did not take it. */
    private boolean carryOut(ConsumerRecord<String, WebhookDisableRequest> record) {
        WebhookDisableRequest request = record.value();
        if (request == null) {
            return true;
        }
        String webhookId = request.getNotice().getWebhookId();
        try {
            WebhookStore.HeraldDisable outcome = store.disableForHerald(view, request);
            switch (outcome) {
                case DISABLED -> LogKeys.webhook(LOG.atWarn(), request.getTenant(), webhookId)
                        .log("Disabled webhook {} of tenant {}: {}", webhookId, request.getTenant(),
                                request.getNotice().getReason());
                case SKIPPED_CHANGED -> LogKeys.webhook(LOG.atInfo(), request.getTenant(), webhookId)
                        .log("Did not disable webhook {} of tenant {}: it changed since version {} failed",
                                webhookId, request.getTenant(), request.getWebhookVersion());
                case NOTHING_TO_DO -> { }
            }
            return true;
        } catch (StoreUnavailableException e) {
            LOG.warn("Disabling webhook {} failed ({}); trying again", webhookId, e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
