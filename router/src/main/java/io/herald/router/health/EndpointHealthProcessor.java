package io.herald.router.health;

import io.herald.schemas.WebhookKeys;
import io.herald.schemas.data.HeraldWebhookDisabled;
import io.herald.schemas.health.WebhookDisableRequest;
import io.herald.schemas.delivery.AttemptOutcome;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.webhook.Webhook;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import io.herald.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import io.herald.runtime.logging.LogKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every webhook's attempts (the attempts topic is keyed by webhook id, so one task sees all of a webhook's
 * attempts in order) and keeps its current run of failures. A success ends the run; so does any change to the
 * webhook, re-enabling included. When the {@link EndpointHealthPolicy} says so, it asks for the webhook to be
 * disabled ({@link Topics#WEBHOOK_DISABLE_REQUESTS}), naming the version whose failures it counted.
 */
final class EndpointHealthProcessor implements Processor<String, DeliveryAttempt, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointHealthProcessor.class);

    private final EndpointHealthPolicy policy;
    private final String healthStoreName;
    private final String webhooksStoreName;
    private final EndpointHealthTopology.DisabledListener disabledListener;
    private final Clock clock;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, FailureStreak> streaks;
    private TimestampedKeyValueStore<String, Webhook> webhookStore;

    EndpointHealthProcessor(EndpointHealthPolicy policy, String healthStoreName, String webhooksStoreName,
            EndpointHealthTopology.DisabledListener disabledListener, Clock clock) {
        this.disabledListener = disabledListener;
        this.policy = policy;
        this.healthStoreName = healthStoreName;
        this.webhooksStoreName = webhooksStoreName;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.streaks = context.getStateStore(healthStoreName);
        this.webhookStore = context.getStateStore(webhooksStoreName);
    }

    @Override
    public void process(Record<String, DeliveryAttempt> record) {
        DeliveryAttempt attempt = record.value();
        if (attempt == null) {
            return;
        }
        String webhookId = attempt.getWebhookId();
        if (attempt.getOutcome() == AttemptOutcome.SUCCEEDED) {
            if (streaks.get(webhookId) != null) {
                streaks.delete(webhookId);
            }
            return;
        }
        if (attempt.getOutcome() != AttemptOutcome.FAILED && attempt.getOutcome() != AttemptOutcome.REFUSED) {
            return; // skipped or unknown: says nothing about the endpoint
        }
        Optional<Webhook> webhook = activeWebhook(attempt);
        if (webhook.isEmpty()) {
            streaks.delete(webhookId); // gone or already disabled: a later re-enable starts afresh
            return;
        }
        FailureStreak streak = extend(streaks.get(webhookId), webhook.get(), attempt);
        Optional<String> reason = policy.reasonToDisable(streak, attempt.getHttpStatus(), attempt.getStartedAt());
        if (reason.isEmpty()) {
            streaks.put(webhookId, streak);
            return;
        }
        streaks.delete(webhookId);
        disable(record, webhook.get(), streak, reason.get());
    }

    private Optional<Webhook> activeWebhook(DeliveryAttempt attempt) {
        ValueAndTimestamp<Webhook> stored =
                webhookStore.get(WebhookKeys.of(attempt.getTenant(), attempt.getWebhookId()));
        return Optional.ofNullable(stored).map(ValueAndTimestamp::value)
                .filter(Webhook::getActive)
                .filter(s -> s.getTenant().equals(attempt.getTenant()));
    }

    private static FailureStreak extend(FailureStreak current, Webhook webhook, DeliveryAttempt attempt) {
        if (current == null || current.webhookVersion() != webhook.getVersion()) {
            return FailureStreak.first(webhook.getVersion(), attempt.getStartedAt(), attempt.getHttpStatus(),
                    attempt.getError());
        }
        return current.plus(attempt.getHttpStatus(), attempt.getError());
    }

    /**
     * Asks the ingest service, the one writer of webhooks, to disable it: written here, the disable could undo an
     * admin's change made meanwhile (both would be "the next version"); there it is made only if the webhook is still
     * at the version whose failures were counted, with its audit entry and notice in the same transaction.
     */
    private void disable(Record<String, DeliveryAttempt> cause, Webhook webhook, FailureStreak streak,
            String reason) {
        Instant now = clock.instant();
        WebhookDisableRequest request = WebhookDisableRequest.newBuilder()
                .setTenant(webhook.getTenant())
                .setWebhookVersion(webhook.getVersion())
                .setRequestedAt(now)
                .setNotice(HeraldWebhookDisabled.newBuilder()
                        .setWebhookId(webhook.getId())
                        .setWebhookName(webhook.getName())
                        .setReason(reason)
                        .setConsecutiveFailures(streak.failures())
                        .setFailingSince(streak.failingSince())
                        .setLastHttpStatus(streak.lastHttpStatus())
                        .setLastError(streak.lastError())
                        .build())
                .build();
        context.forward(cause.withKey(WebhookKeys.of(webhook.getTenant(), webhook.getId()))
                .withValue((SpecificRecord) request));
        disabledListener.disabled(streak.lastHttpStatus() != null && streak.lastHttpStatus() == 410);
        LogKeys.webhook(LOG.atWarn(), webhook.getTenant(), webhook.getId())
                .log("Disabling webhook {} of tenant {} (version {}): {}", webhook.getId(), webhook.getTenant(),
                        webhook.getVersion(), reason);
    }
}
