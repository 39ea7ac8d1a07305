package io.herald.runtime.tracing;

import io.herald.schemas.tracing.HeraldTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/** A service's tracing as configured: the OpenTelemetry SDK and its exporter, behind {@link HeraldTracing}. */
public final class ServiceTracing {

    private ServiceTracing() {
    }

    /** {@link HeraldTracing#close()} flushes the spans still buffered. */
    public static HeraldTracing start(TracingConfig config, String serviceName) {
        SpanExporter exporter = switch (config.exporter()) {
            case NONE -> null;
            case OTLP -> OtlpHttpSpanExporter.builder().setEndpoint(config.otlpEndpoint().toString()).build();
            case LOGGING -> LoggingSpanExporter.create();
        };
        if (exporter == null) {
            return HeraldTracing.off();
        }
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.samplePercent() / 100.0)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(tracerProvider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        return HeraldTracing.owning(sdk, sdk);
    }
}
