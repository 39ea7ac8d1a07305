package io.herald.runtime.tracing;

import io.herald.runtime.config.Setting;
import io.herald.runtime.config.Settings;
import java.net.URI;
import java.util.List;

/** The tracing keys every Herald service reads; tracing exports nothing unless an exporter is chosen. */
public final class TracingSettings {

    public static final Setting<TracingConfig.Exporter> EXPORTER = Setting.oneOf("herald.tracing.exporter",
            TracingConfig.Exporter.class, TracingConfig.Exporter.NONE, "Where spans go: none (trace context is still "
                    + "passed on to webhooks), otlp (OTLP over HTTP) or logging (the service log, for trying it out)");
    public static final Setting<URI> OTLP_ENDPOINT = new Setting<>("herald.tracing.otlp-endpoint",
            "OTLP/HTTP traces endpoint of the collector, used when the exporter is otlp",
            "http://localhost:4318/v1/traces", v -> URI.create(v.trim()),
            v -> ("http".equals(v.getScheme()) || "https".equals(v.getScheme())) && v.getHost() != null,
            "an http(s) URL such as http://otel-collector:4318/v1/traces", false);
    public static final Setting<Integer> SAMPLE_PERCENT = Setting.integer("herald.tracing.sample-percent", 100, 0, 100,
            "Percentage of traces Herald starts itself that are recorded; a caller's sampling decision is followed");

    /** The tracing keys, for each service's list of settings. */
    public static final List<Setting<?>> SETTINGS = List.of(EXPORTER, OTLP_ENDPOINT, SAMPLE_PERCENT);

    private TracingSettings() {
    }

    public static TracingConfig from(Settings settings) {
        return new TracingConfig(settings.get(EXPORTER), settings.get(OTLP_ENDPOINT), settings.get(SAMPLE_PERCENT));
    }
}
