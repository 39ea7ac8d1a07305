package io.herald.schemas.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class HeraldTracingTest {

    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void offPassesTheProducersTraceContextOnUnchanged() {
        HeraldTracing tracing = HeraldTracing.off();
        RecordHeaders in = new RecordHeaders();
        in.add("traceparent", PARENT.getBytes(StandardCharsets.UTF_8));
        in.add("tracestate", "vendor=x".getBytes(StandardCharsets.UTF_8));

        Context parent = tracing.extract(in);
        Span span = tracing.tracer().spanBuilder("route").setParent(parent).startSpan();
        RecordHeaders out = new RecordHeaders();
        out.add("traceparent", "stale".getBytes(StandardCharsets.UTF_8));
        tracing.inject(parent.with(span), out);
        span.end();

        assertThat(span.isRecording()).isFalse();
        assertThat(header(out, "traceparent")).isEqualTo(PARENT);
        assertThat(header(out, "tracestate")).isEqualTo("vendor=x");
        assertThat(out.headers("traceparent")).hasSize(1); // the stale one replaced, not doubled
    }

    @Test
    void aRecordWithoutContextGetsNoHeadersWhenNothingIsRecorded() {
        HeraldTracing tracing = HeraldTracing.off();
        RecordHeaders out = new RecordHeaders();
        Context parent = tracing.extract(new RecordHeaders());
        tracing.inject(parent.with(tracing.tracer().spanBuilder("x").setParent(parent).startSpan()), out);
        assertThat(out.toArray()).isEmpty();
    }

    @Test
    void recordedSpansJoinTheProducersTraceAndPassTheirOwnIdOn() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        HeraldTracing tracing = HeraldTracing.using(sdk);
        RecordHeaders in = new RecordHeaders();
        in.add("traceparent", PARENT.getBytes(StandardCharsets.UTF_8));

        Context parent = tracing.extract(in);
        Span span = tracing.tracer().spanBuilder("route").setSpanKind(SpanKind.CONSUMER).setParent(parent).startSpan();
        RecordHeaders out = new RecordHeaders();
        tracing.inject(parent.with(span), out);
        span.end();

        SpanData recorded = spans.getFinishedSpanItems().get(0);
        SpanContext producer = Span.fromContext(parent).getSpanContext();
        assertThat(recorded.getTraceId()).isEqualTo(producer.getTraceId());
        assertThat(recorded.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(header(out, "traceparent"))
                .isEqualTo("00-" + recorded.getTraceId() + "-" + recorded.getSpanId() + "-01");
        sdk.close();
    }

    private static String header(RecordHeaders headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
