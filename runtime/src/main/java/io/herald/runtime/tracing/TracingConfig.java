package io.herald.runtime.tracing;

import java.net.URI;
import java.util.Objects;

/**
 * How a service exports its spans.
 *
 * @param exporter where spans go
 * @param otlpEndpoint the collector's OTLP/HTTP traces URL, when the exporter is OTLP
 * @param samplePercent share of the traces Herald starts itself that are recorded
 */
public record TracingConfig(Exporter exporter, URI otlpEndpoint, int samplePercent) {

    public enum Exporter {
        NONE, OTLP, LOGGING;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT); // as configured and documented
        }
    }

    /** Nothing exported; trace context from producers still reaches the webhooks. */
    public static final TracingConfig OFF = new TracingConfig(Exporter.NONE,
            TracingSettings.OTLP_ENDPOINT.defaultValue(), 100);

    public TracingConfig {
        Objects.requireNonNull(exporter, "exporter");
        Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
        if (samplePercent < 0 || samplePercent > 100) {
            throw new IllegalArgumentException("samplePercent must be 0..100, got " + samplePercent);
        }
    }
}
