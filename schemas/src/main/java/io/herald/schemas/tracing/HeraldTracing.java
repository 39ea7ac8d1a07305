package io.herald.schemas.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Herald's OpenTelemetry conventions, on the OpenTelemetry API only: a tracer, and W3C trace context ({@code traceparent}, {@code tracestate}) read from
 * and written to Kafka record headers, the same headers OpenTelemetry's Kafka instrumentation uses, so a producer
 * instrumented by the OpenTelemetry agent joins its trace to Herald's.
 */
public final class HeraldTracing implements AutoCloseable {

    /** The headers that carry trace context on Herald's records and on webhook requests. */
    public static final List<String> CONTEXT_HEADERS = List.of("traceparent", "tracestate");

    private static final String INSTRUMENTATION = "io.herald";

    private final OpenTelemetry telemetry;
    private final AutoCloseable shutdown;

    private HeraldTracing(OpenTelemetry telemetry, AutoCloseable shutdown) {
        this.telemetry = telemetry;
        this.shutdown = shutdown;
    }

    /** Records no spans but passes trace context on, so receivers still see their producer's trace. */
    public static HeraldTracing off() {
        return new HeraldTracing(OpenTelemetry.propagating(
                ContextPropagators.create(W3CTraceContextPropagator.getInstance())), () -> { });
    }

    /** Tracing through the given OpenTelemetry (an embedding application's, or a test's); not closed here. */
    public static HeraldTracing using(OpenTelemetry telemetry) {
        return new HeraldTracing(telemetry, () -> { });
    }

    /**
     * Tracing through an OpenTelemetry this object owns: {@link #close()} closes {@code shutdown} (the service
     * runtime's SDK, which flushes the spans still buffered).
     */
    public static HeraldTracing owning(OpenTelemetry telemetry, AutoCloseable shutdown) {
        return new HeraldTracing(telemetry, shutdown);
    }

    public Tracer tracer() {
        return telemetry.getTracer(INSTRUMENTATION);
    }

    /** The trace context a record carries, as the parent of the spans that handle it (root when it has none). */
    public Context extract(Headers headers) {
        return propagator().extract(Context.root(), headers, KafkaHeadersGetter.INSTANCE);
    }

    /** Replaces any trace context in {@code headers} with {@code context}'s. */
    public void inject(Context context, Headers headers) {
        CONTEXT_HEADERS.forEach(headers::remove);
        propagator().inject(context, headers, KafkaHeadersSetter.INSTANCE);
    }

    /**
     * Writes {@code context}'s W3C trace headers into a new record's headers, whatever tracing is configured: how
     * retries keep the trace of the delivery they retry.
     */
    public static void carryOn(Context context, Headers headers) {
        W3CTraceContextPropagator.getInstance().inject(context, headers, KafkaHeadersSetter.INSTANCE);
    }

    /** The trace context in HTTP-style headers, read through {@code getter}. */
    public <C> Context extract(C carrier, TextMapGetter<C> getter) {
        return propagator().extract(Context.root(), carrier, getter);
    }

    private TextMapPropagator propagator() {
        return telemetry.getPropagators().getTextMapPropagator();
    }

    @Override
    public void close() {
        try {
            shutdown.close();
        } catch (Exception e) {
            throw new IllegalStateException("tracing did not shut down cleanly", e);
        }
    }

    private enum KafkaHeadersGetter implements TextMapGetter<Headers> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(header -> keys.add(header.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null) {
                return null;
            }
            Header header = headers.lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }
    }

    private enum KafkaHeadersSetter implements TextMapSetter<Headers> {
        INSTANCE;

        @Override
        public void set(Headers headers, String key, String value) {
            if (headers != null) {
                headers.add(key, value.getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
