package io.herald.schemas.tracing;

import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.event.IamEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The spans of an event's way through Herald, named and tagged alike in every service: publish (producer),
 * route (router), and one POST per delivery attempt (deliverer). They carry ids, never payloads, secrets or URLs.
 */
public final class EventSpans {

    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("herald.tenant");
    public static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("herald.event.id");
    public static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("herald.event.type");
    public static final AttributeKey<String> WEBHOOK_ID = AttributeKey.stringKey("herald.webhook.id");
    public static final AttributeKey<String> DELIVERY_ID = AttributeKey.stringKey("herald.delivery.id");
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("herald.delivery.attempt");
    public static final AttributeKey<Long> FAN_OUT = AttributeKey.longKey("herald.fan_out");
    public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");

    private EventSpans() {
    }

    /** An event being written to its topic. */
    public static Span publishing(Tracer tracer, Context parent, String topic, IamEvent event) {
        return onTopic(tracer, "publish", SpanKind.PRODUCER, parent, topic, event);
    }

    /** An event being matched against its tenant's webhooks; {@link #FAN_OUT} is set when done. */
    public static Span routing(Tracer tracer, Context parent, String topic, IamEvent event) {
        return onTopic(tracer, "route", SpanKind.CONSUMER, parent, topic, event);
    }

    private static Span onTopic(Tracer tracer, String operation, SpanKind kind, Context parent, String topic,
            IamEvent event) {
        return tracer.spanBuilder(operation + " " + topic).setSpanKind(kind).setParent(parent)
                .setAttribute(MESSAGING_SYSTEM, "kafka").setAttribute(DESTINATION, topic)
                .setAttribute(TENANT, event.getTenant()).setAttribute(EVENT_ID, event.getId())
                .setAttribute(EVENT_TYPE, event.getType())
                .startSpan();
    }

    /** One attempt to POST a delivery; only the endpoint's host is recorded (URLs may hold credentials). */
    public static Span delivering(Tracer tracer, Context parent, Delivery delivery, String host) {
        return tracer.spanBuilder("POST").setSpanKind(SpanKind.CLIENT).setParent(parent)
                .setAttribute(HTTP_METHOD, "POST").setAttribute(SERVER_ADDRESS, host == null ? "" : host)
                .setAttribute(TENANT, delivery.getTenant()).setAttribute(EVENT_ID, delivery.getEventId())
                .setAttribute(EVENT_TYPE, delivery.getEventType()).setAttribute(WEBHOOK_ID, delivery.getWebhookId())
                .setAttribute(DELIVERY_ID, delivery.getId()).setAttribute(ATTEMPT, (long) delivery.getAttempt())
                .startSpan();
    }

    /** Ends a span, marked failed when {@code error} is set (its type only: messages may quote payloads). */
    public static void end(Span span, Throwable error) {
        if (error != null) {
            span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
        }
        span.end();
    }
}
