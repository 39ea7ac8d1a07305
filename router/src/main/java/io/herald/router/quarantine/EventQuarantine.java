package io.herald.router.quarantine;

import io.herald.router.RouterMetrics;
import io.herald.schemas.Topics;
import io.herald.schemas.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's error handler for records it cannot route. A record of an event topic that does not decode, or
 * decodes into something that is not a valid event, is copied byte for byte to {@link Topics#REJECTED_EVENTS} with
 * the reason and its coordinates in headers (in the same transaction as the router's progress), and routing goes
 * on. A bad record of any other topic (an attempt the health tracker can't read) is logged and passed over. A
 * record that could not be decoded because the schema registry failed is no bad record: it is read again.
 */
public final class EventQuarantine implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EventQuarantine.class);
    private static final List<String> EVENT_TOPICS = Topics.eventTopics();

    private RouterMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        // The rejected topic is part of Herald's contract; only the metrics come from the configuration.
        this.metrics = configs.get(RouterMetrics.CONFIG_KEY) instanceof RouterMetrics given ? given : null;
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
            ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (SchemaRegistryException.retryLater(exception)) {
            // The registry is away or refuses us, the record is fine: the stream thread stops and its replacement
            // reads the record again from the last commit, until the registry answers.
            LOG.warn("Could not decode {}-{}@{}, the schema registry failed: {}; retrying it", context.topic(),
                    context.partition(), context.offset(), describe(exception));
            return DeserializationExceptionHandler.Response.fail();
        }
        String reason = "undecodable: " + describe(exception);
        return DeserializationExceptionHandler.Response.resume(quarantine(context, reason, "decode"));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
            Exception exception) {
        String reason = exception instanceof RejectedEventException rejected ? rejected.getMessage()
                : "could not be routed: " + describe(exception);
        if (!(exception instanceof RejectedEventException) && EVENT_TOPICS.contains(context.topic())) {
            LOG.error("Routing {}-{}@{} failed; quarantining it", context.topic(), context.partition(),
                    context.offset(), exception);
        }
        return ProcessingExceptionHandler.Response.resume(quarantine(context, reason, "contract"));
    }

    private List<ProducerRecord<byte[], byte[]>> quarantine(ErrorHandlerContext context, String reason,
            String stage) {
        String from = context.topic() + "-" + context.partition() + "@" + context.offset();
        if (!EVENT_TOPICS.contains(context.topic())) {
            LOG.error("Skipping unreadable record {}: {}", from, reason);
            return List.of();
        }
        LOG.warn("Quarantined {} to {}: {}", from, Topics.REJECTED_EVENTS, reason);
        if (metrics != null) {
            metrics.quarantined(stage);
        }
        Headers headers = new RecordHeaders(context.headers().toArray());
        headers.add(Topics.REJECTED_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.REJECTED_FROM_HEADER, from.getBytes(StandardCharsets.UTF_8));
        return List.of(new ProducerRecord<>(Topics.REJECTED_EVENTS, null, context.timestamp(),
                context.sourceRawKey(), context.sourceRawValue(), headers));
    }

    private static String describe(Exception exception) {
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 500 ? message.substring(0, 500) + "…" : message;
    }
}
