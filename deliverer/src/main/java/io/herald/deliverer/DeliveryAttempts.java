package io.herald.deliverer;

import io.herald.schemas.HeraldIds;
import io.herald.schemas.delivery.AttemptOutcome;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import java.time.Instant;

/** Builds the {@link DeliveryAttempt} records of a delivery. */
final class DeliveryAttempts {

    private DeliveryAttempts() {
    }

    static DeliveryAttempt fromHttp(Delivery delivery, HttpOutcome http) {
        return base(delivery, http.startedAt())
                .setOutcome(http.refused() ? AttemptOutcome.REFUSED
                        : http.succeeded() ? AttemptOutcome.SUCCEEDED : AttemptOutcome.FAILED)
                .setLatencyMs(http.latencyMs())
                .setHttpStatus(http.status())
                .setResponseExcerpt(http.responseExcerpt())
                .setError(http.error() != null ? http.error()
                        : http.succeeded() ? null : "endpoint answered HTTP " + http.status())
                .build();
    }

    static DeliveryAttempt skipped(Delivery delivery, Instant now, String reason) {
        return base(delivery, now)
                .setOutcome(AttemptOutcome.SKIPPED)
                .setLatencyMs(0)
                .setError(reason)
                .build();
    }

    private static DeliveryAttempt.Builder base(Delivery delivery, Instant startedAt) {
        return DeliveryAttempt.newBuilder()
                .setId(HeraldIds.newAttemptId())
                .setDeliveryId(delivery.getId())
                .setTenant(delivery.getTenant())
                .setWebhookId(delivery.getWebhookId())
                .setEventId(delivery.getEventId())
                .setEventType(delivery.getEventType())
                .setAttempt(delivery.getAttempt())
                .setStartedAt(startedAt);
    }
}
