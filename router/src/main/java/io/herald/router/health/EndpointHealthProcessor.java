package io.herald.router.health;

import io.herald.schemas.CloudEventHeaders;
import io.herald.schemas.IamEvents;
import io.herald.schemas.WebhookKeys;
import io.herald.runtime.audit.AuditEntries;
import io.herald.schemas.data.HeraldWebhookDisabled;
import io.herald.schemas.delivery.AttemptOutcome;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.webhook.Webhook;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
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
 * webhook, re-enabling included. When the {@link EndpointHealthPolicy} says so, it disables the webhook and, in the
 * same transaction, writes the audit entry and the {@code herald.webhook.disabled} event that tells the tenant.
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

    private void disable(Record<String, DeliveryAttempt> cause, Webhook before, FailureStreak streak,
            String reason) {
        Instant now = clock.instant();
        Webhook after = Webhook.newBuilder(before)
                .setActive(false)
                .setDisabledReason(reason)
                .setDisabledAt(now)
                .setUpdatedAt(now)
                .setVersion(before.getVersion() + 1)
                .build();
        IamEvent notice = IamEvents.of(before.getTenant(), HeraldWebhookDisabled.newBuilder()
                .setWebhookId(before.getId())
                .setWebhookName(before.getName())
                .setReason(reason)
                .setConsecutiveFailures(streak.failures())
                .setFailingSince(streak.failingSince())
                .setLastHttpStatus(streak.lastHttpStatus())
                .setLastError(streak.lastError())
                .build(), now);
        context.forward(cause.withKey(WebhookKeys.of(before.getTenant(), before.getId()))
                .withValue((SpecificRecord) after));
        context.forward(cause.withKey(before.getTenant()).withValue(
                (SpecificRecord) AuditEntries.change(before, after, AuditEntries.HERALD_ACTOR, "webhook.disabled",
                        now)));
        context.forward(cause.withKey(IamEvents.key(notice)).withValue((SpecificRecord) notice)
                .withHeaders(CloudEventHeaders.of(notice)));
        disabledListener.disabled(streak.lastHttpStatus() != null && streak.lastHttpStatus() == 410);
        LogKeys.webhook(LOG.atWarn(), before.getTenant(), before.getId())
                .log("Disabled webhook {} of tenant {}: {}", before.getId(), before.getTenant(), reason);
    }
}
