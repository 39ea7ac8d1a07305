package io.herald.runtime.logging;

import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.event.IamEvent;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The ids a log line is about, as key-value pairs, so JSON logs can be searched by them: {@code tenant},
 * {@code webhook_id}, {@code event_id}, {@code event_type}, {@code delivery_id}. Ids only: never bodies, URLs or
 * secrets.
 */
public final class LogKeys {

    private LogKeys() {
    }

    public static LoggingEventBuilder delivery(LoggingEventBuilder log, Delivery delivery) {
        return event(webhook(log, delivery.getTenant(), delivery.getWebhookId()), delivery.getEventId(),
                delivery.getEventType())
                .addKeyValue("delivery_id", delivery.getId());
    }

    public static LoggingEventBuilder event(LoggingEventBuilder log, IamEvent event) {
        return event(log.addKeyValue("tenant", event.getTenant()), event.getId(), event.getType());
    }

    public static LoggingEventBuilder webhook(LoggingEventBuilder log, String tenant, String webhookId) {
        return log.addKeyValue("tenant", tenant).addKeyValue("webhook_id", webhookId);
    }

    private static LoggingEventBuilder event(LoggingEventBuilder log, String eventId, String eventType) {
        return log.addKeyValue("event_id", eventId).addKeyValue("event_type", eventType);
    }
}
