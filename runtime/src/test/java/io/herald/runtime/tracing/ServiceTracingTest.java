package io.herald.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.runtime.config.ConfigException;
import io.herald.runtime.config.Settings;
import io.herald.schemas.tracing.HeraldTracing;
import io.opentelemetry.api.trace.Span;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceTracingTest {

    @Test
    void settingsDefaultToNoExportAndRejectUnknownExporters() {
        assertThat(TracingSettings.from(Settings.of(Map.of()))).isEqualTo(TracingConfig.OFF);
        TracingConfig otlp = TracingSettings.from(Settings.of(Map.of("herald.tracing.exporter", "OTLP",
                "herald.tracing.otlp-endpoint", "http://collector:4318/v1/traces",
                "herald.tracing.sample-percent", "10")));
        assertThat(otlp).isEqualTo(new TracingConfig(TracingConfig.Exporter.OTLP,
                URI.create("http://collector:4318/v1/traces"), 10));

        assertThatThrownBy(() -> TracingSettings.from(Settings.of(Map.of("herald.tracing.exporter", "jaeger"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("herald.tracing.exporter (env HERALD_TRACING_EXPORTER) must be one of none, "
                        + "otlp, logging, got 'jaeger'");
        assertThatThrownBy(() -> TracingSettings.from(Settings.of(Map.of("herald.tracing.otlp-endpoint",
                "collector:4318")))).isInstanceOf(ConfigException.class).hasMessageContaining("an http(s) URL");
    }

    @Test
    void anOtlpExporterStartsAndShutsDownWithoutACollector() {
        try (HeraldTracing tracing = ServiceTracing.start(new TracingConfig(TracingConfig.Exporter.OTLP,
                URI.create("http://127.0.0.1:9/v1/traces"), 100), "herald-test")) {
            Span span = tracing.tracer().spanBuilder("x").startSpan();
            assertThat(span.getSpanContext().isSampled()).isTrue(); // not ended: nothing to send to the absent collector
        }
    }

}
