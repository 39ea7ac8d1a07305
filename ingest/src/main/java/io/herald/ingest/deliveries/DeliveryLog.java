package io.herald.ingest.deliveries;

import io.herald.ingest.auth.Caller;
import io.herald.ingest.http.ApiException;
import io.herald.ingest.http.FieldProblem;
import io.herald.ingest.webhooks.WebhookService;
import io.herald.ingest.config.IngestConfig;
import io.herald.ingest.deliveries.DeliveryResponses.AttemptPage;
import io.herald.ingest.deliveries.DeliveryResponses.AttemptSummaryView;
import io.herald.ingest.deliveries.DeliveryResponses.AttemptView;
import io.herald.ingest.deliveries.DeliveryResponses.DeadLetterPage;
import io.herald.ingest.deliveries.DeliveryResponses.DeadLetterView;
import io.herald.ingest.deliveries.DeliveryResponses.RecoverResult;
import io.herald.ingest.deliveries.DeliveryResponses.ResendResult;
import io.herald.ingest.webhooks.StoreUnavailableException;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.schemas.Topics;
import io.herald.runtime.kafka.TransactionalProducer;
import io.herald.schemas.delivery.AttemptOutcome;
import io.herald.schemas.delivery.DeadLetter;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.Webhook;
import io.micronaut.http.HttpStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A webhook's delivery log: its attempts and dead letters, read from their topics (both keyed by webhook id), and
 * the ways to try again: resend one dead letter, or recover every dead letter since a time. A resent delivery keeps
 * its id (receivers deduplicate on {@code webhook-id}) and its history, and gets one more attempt: if that fails
 * too, it goes back to the dead letters.
 */
public final class DeliveryLog implements AutoCloseable {

    /** The most dead letters one recover call resends; the rest are left for the next call. */
    static final int MAX_RECOVERED_PER_CALL = 10_000;
    private static final long MAX_SCANNED_PER_PAGE = 200_000;
    private static final int ACK_TIMEOUT_SECONDS = 30;

    private final WebhookService webhooks;
    private final WebhookStore store;
    private final KeyedHistory<DeliveryAttempt> attempts;
    private final KeyedHistory<DeadLetter> deadLetters;
    private final KafkaProducer<String, Delivery> redeliveries;
    private final Clock clock;

    public DeliveryLog(IngestConfig config, WebhookService webhooks, WebhookStore store, Clock clock) {
        this.webhooks = webhooks;
        this.store = store;
        this.clock = clock;
        this.attempts = new KeyedHistory<>(config.kafka(), Topics.ATTEMPTS,
                HeraldSerdes.valueDeserializer(config.registry()), MAX_SCANNED_PER_PAGE);
        this.deadLetters = new KeyedHistory<>(config.kafka(), Topics.DEAD_LETTERS,
                HeraldSerdes.valueDeserializer(config.registry()), MAX_SCANNED_PER_PAGE);
        this.redeliveries = config.kafka().producer("herald-ingest-redeliveries", Map.of(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TransactionalProducer.REQUEST_MAX_BLOCK.toMillis()),
                new StringSerializer(), HeraldSerdes.<Delivery>valueSerializer(config.registry()));
    }

    /**
     * @param outcome only attempts with this outcome, or null for all
     * @param eventId only attempts to deliver this event, or null for all
     * @param before the previous page's cursor, or null for the newest
     */
    public AttemptPage attempts(String tenant, String webhookId, String outcome, String eventId, String before,
            int limit) {
        Webhook webhook = webhooks.stored(tenant, webhookId);
        AttemptOutcome wanted = outcome == null ? null : parseOutcome(outcome);
        Predicate<DeliveryAttempt> filter = a -> a.getTenant().equals(webhook.getTenant())
                && (wanted == null || a.getOutcome() == wanted)
                && (eventId == null || eventId.equals(a.getEventId()));
        KeyedHistory.Page<DeliveryAttempt> page = attempts.newestFirst(webhook.getId(), filter, cursor(before), limit);
        return new AttemptPage(page.entries().stream().map(e -> view(e.value())).toList(), next(page));
    }

    public DeadLetterPage deadLetters(String tenant, String webhookId, String before, int limit) {
        Webhook webhook = webhooks.stored(tenant, webhookId);
        KeyedHistory.Page<DeadLetter> page = deadLetters.newestFirst(webhook.getId(),
                ofTenant(webhook.getTenant()), cursor(before), limit);
        return new DeadLetterPage(page.entries().stream().map(e -> view(e.value())).toList(), next(page));
    }

    /** Queues the newest dead letter of a delivery for one more attempt. */
    public ResendResult resend(Caller caller, String tenant, String webhookId, String deliveryId) {
        Webhook webhook = activeWebhook(tenant, webhookId);
        List<KeyedHistory.Entry<DeadLetter>> found = deadLetters.newestFirst(webhook.getId(),
                ofTenant(webhook.getTenant()).and(d -> d.getDelivery().getId().equals(deliveryId)), null, 1)
                .entries();
        if (found.isEmpty()) {
            throw ApiException.notFound("dead letter " + deliveryId + " of webhook " + webhookId);
        }
        Delivery again = oneMoreAttempt(found.get(0).value(), webhook);
        queue(List.of(again));
        audit(webhook, caller, "webhook.dead_letter_resent");
        return new ResendResult(again.getId(), again.getAttempt());
    }

    /** Queues every delivery of the webhook that was dead-lettered at or after {@code since}, each once. */
    public RecoverResult recover(Caller caller, String tenant, String webhookId, Instant since) {
        if (since == null) {
            throw ApiException.badRequest(List.of(new FieldProblem("since", "is required: an ISO-8601 time")));
        }
        if (since.isAfter(clock.instant())) {
            throw ApiException.badRequest(List.of(new FieldProblem("since", "must not be in the future")));
        }
        Webhook webhook = activeWebhook(tenant, webhookId);
        // Newest dead letter of each delivery, in the order they died.
        Map<String, DeadLetter> byDelivery = new LinkedHashMap<>();
        for (KeyedHistory.Entry<DeadLetter> entry : deadLetters.since(webhook.getId(), since.toEpochMilli(),
                ofTenant(webhook.getTenant()))) {
            byDelivery.remove(entry.value().getDelivery().getId());
            byDelivery.put(entry.value().getDelivery().getId(), entry.value());
        }
        List<DeadLetter> letters = new ArrayList<>(byDelivery.values());
        Instant nextSince = null;
        if (letters.size() > MAX_RECOVERED_PER_CALL) {
            nextSince = letters.get(MAX_RECOVERED_PER_CALL).getDeadAt();
            letters = letters.subList(0, MAX_RECOVERED_PER_CALL);
        }
        queue(letters.stream().map(letter -> oneMoreAttempt(letter, webhook)).toList());
        audit(webhook, caller, "webhook.recovered");
        return new RecoverResult(letters.size(), nextSince);
    }

    private Webhook activeWebhook(String tenant, String webhookId) {
        Webhook webhook = webhooks.stored(tenant, webhookId);
        if (!webhook.getActive()) {
            throw new ApiException(HttpStatus.CONFLICT, "webhook_disabled",
                    "webhook " + webhookId + " is disabled; enable it before resending", List.of());
        }
        return webhook;
    }

    /** The dead delivery, as its next attempt, for the webhook as it is now. */
    private static Delivery oneMoreAttempt(DeadLetter letter, Webhook webhook) {
        Delivery dead = letter.getDelivery();
        return Delivery.newBuilder(dead)
                .setWebhookVersion(Math.max(dead.getWebhookVersion(), webhook.getVersion()))
                .setAttempt(dead.getAttempt() + 1)
                .build();
    }

    private void queue(List<Delivery> deliveries) {
        try {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (Delivery delivery : deliveries) {
                sent.add(redeliveries.send(new ProducerRecord<>(Topics.DELIVERIES, delivery.getWebhookId(), delivery)));
            }
            for (java.util.concurrent.Future<?> ack : sent) {
                ack.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                    "the deliveries could not be queued; try again (receivers deduplicate repeats on webhook-id)",
                    List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "interrupted", "interrupted", List.of());
        }
    }

    private void audit(Webhook webhook, Caller caller, String action) {
        try {
            store.audit(webhook, caller.actor(), action);
        } catch (StoreUnavailableException e) {
            // The deliveries are queued already; failing the call now would invite a second resend.
            org.slf4j.LoggerFactory.getLogger(DeliveryLog.class).warn("Audit entry {} for webhook {} not stored",
                    action, webhook.getId(), e);
        }
    }

    private static Predicate<DeadLetter> ofTenant(String tenant) {
        return letter -> letter.getDelivery().getTenant().equals(tenant);
    }

    private static AttemptOutcome parseOutcome(String outcome) {
        return Arrays.stream(AttemptOutcome.values()).filter(o -> o.name().equalsIgnoreCase(outcome)).findFirst()
                .orElseThrow(() -> ApiException.badRequest(List.of(new FieldProblem("outcome",
                        "must be one of SUCCEEDED, FAILED, SKIPPED, REFUSED (got '" + outcome + "')"))));
    }

    private static Long cursor(String before) {
        if (before == null) {
            return null;
        }
        try {
            long offset = Long.parseLong(before);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw ApiException.badRequest(List.of(new FieldProblem("before",
                "must be the nextCursor of a previous page (got '" + before + "')")));
    }

    private static String next(KeyedHistory.Page<?> page) {
        return page.nextBefore() == null ? null : Long.toString(page.nextBefore());
    }

    private static AttemptView view(DeliveryAttempt a) {
        return new AttemptView(a.getId(), a.getDeliveryId(), a.getEventId(), a.getEventType(), a.getAttempt(),
                a.getOutcome().name(), a.getStartedAt(), a.getLatencyMs(), a.getHttpStatus(), a.getError(),
                a.getResponseExcerpt(), a.getNextAttemptAt());
    }

    private static DeadLetterView view(DeadLetter letter) {
        Delivery d = letter.getDelivery();
        return new DeadLetterView(d.getId(), d.getEventId(), d.getEventType(), d.getEventTimestamp(),
                letter.getReason(), letter.getDeadAt(), d.getPreviousAttempts().stream()
                        .map(s -> new AttemptSummaryView(s.getAttempt(), s.getAt(), s.getOutcome(), s.getHttpStatus(),
                                s.getError()))
                        .toList());
    }

    @Override
    public void close() {
        redeliveries.close();
    }
}
