package io.herald.ingest;

import io.herald.schemas.config.Setting;
import java.util.List;

/** Keys the ingest service reads (Micronaut resolves them; see application.yml). */
public final class IngestSettings {

    public static final Setting<Integer> PORT = Setting.integer("herald.ingest.port", 8080, 0, 65_535,
            "HTTP port of the ingest service (event catalog, health; later HTTP ingest and the management API)");

    public static final List<Setting<?>> SETTINGS = List.of(PORT);

    private IngestSettings() {
    }
}
