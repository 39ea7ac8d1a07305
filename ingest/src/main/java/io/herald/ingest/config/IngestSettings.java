package io.herald.ingest.config;

import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.Setting;
import java.util.List;
import java.util.Optional;
import java.time.Duration;

/** Keys the ingest service reads (Micronaut resolves them from properties or environment variables). */
public final class IngestSettings {

    /**
     * The Micronaut environment that enables the ingest service's beans: other Micronaut contexts in the same JVM
     * (the deliverer's HTTP client, the local launcher) must not build them.
     */
    public static final String ENVIRONMENT = "herald-ingest";

    public static final Setting<Integer> PORT = Setting.integer("herald.ingest.port", 8080, 0, 65_535,
            "HTTP port of the ingest service (management API, event catalog, health)");
    public static final Setting<String> API_KEYS = Setting.secretText("herald.ingest.api-keys",
            "Keys allowed to call the management API, as tenant:name:sha256hex[,...] (tenant * = operator, all "
                    + "tenants); the hash of a key is printf %s \"$KEY\" | sha256sum");
    public static final Setting<Optional<String>> JWT_JWKS_URL = Setting.optionalText("herald.ingest.jwt.jwks-url",
            "JWKS URL of the IAM platform whose JWTs may call the tenant API as bearer tokens (RS/PS/ES/EdDSA "
                    + "signatures); unset: no JWTs, only API keys. Needs herald.ingest.jwt.issuer and .audience",
            false);
    public static final Setting<Optional<String>> JWT_ISSUER = Setting.optionalText("herald.ingest.jwt.issuer",
            "The iss a tenant JWT must carry", false);
    public static final Setting<Optional<String>> JWT_AUDIENCE = Setting.optionalText("herald.ingest.jwt.audience",
            "An aud a tenant JWT must carry", false);
    public static final Setting<String> JWT_TENANT_CLAIM = Setting.text("herald.ingest.jwt.tenant-claim", "tenant",
            "The claim of a tenant JWT that names its tenant (a tenant slug)");
    public static final Setting<String> JWT_ADMIN_SCOPE = Setting.text("herald.ingest.jwt.admin-scope",
            "herald:admin", "The scope (in scope or scp) that lets a tenant JWT change things; without it, reads only");
    public static final Setting<Integer> TENANT_EVENTS_PER_SECOND = Setting.integer(
            "herald.ingest.tenant-events-per-second", 200, 0, 1_000_000,
            "Event ingest requests (POST /t/{tenant}/api/v1/events, up to 500 events each) a tenant may make per "
                    + "second on each ingest instance; more are answered 429 with Retry-After. 0: no limit. "
                    + "Operator keys are not limited");
    public static final Setting<Integer> TENANT_API_PER_SECOND = Setting.integer(
            "herald.ingest.tenant-api-per-second", 50, 0, 1_000_000,
            "Management API requests (everything under /t/{tenant}/ but event ingest) a tenant may make per second "
                    + "on each ingest instance; more are answered 429 with Retry-After. 0: no limit. Operator keys "
                    + "are not limited");
    public static final Setting<Boolean> ALLOW_HTTP = Setting.flag("herald.ingest.allow-http", false,
            "Accept plain http:// webhook URLs (development only; https is required otherwise)");
    public static final Setting<Duration> ROTATION_OVERLAP = Setting.duration(
            "herald.ingest.secret-rotation-overlap", "1d", Duration.ZERO, Duration.ofDays(30),
            "How long a rotated-out secret keeps signing deliveries");

    public static final Setting<Integer> MAX_REQUEST_BYTES = Setting.integer("herald.ingest.max-request-bytes",
            1_048_576, 1_024, 67_108_864,
            "Largest management-API request body, in bytes; larger ones are answered 413");
    public static final Setting<Integer> MAX_EVENT_REQUEST_BYTES = Setting.integer(
            "herald.ingest.max-event-request-bytes", 4_194_304, 1_024, 67_108_864,
            "Largest event ingest request body (POST /t/{tenant}/api/v1/events, up to 500 events), in bytes; "
                    + "larger ones are answered 413. Each event's webhook body is limited to 256 KiB apart from this");

    public static final Setting<Integer> OPS_PORT = Setting.integer("herald.ingest.ops-port", 9090, 0, 65_535,
            "Port of the ingest service's operations endpoint: /metrics (Prometheus), /health/live, /health/ready");

    public static final List<Setting<?>> SETTINGS = java.util.stream.Stream.concat(java.util.stream.Stream.of(PORT,
            CommonSettings.KAFKA_BOOTSTRAP_SERVERS, CommonSettings.REGISTRY_URL,
            CommonSettings.REGISTRY_USERNAME, CommonSettings.REGISTRY_PASSWORD, CommonSettings.REGISTRY_BEARER_TOKEN,
            CommonSettings.SECRET_KEYS, API_KEYS, JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE, JWT_TENANT_CLAIM,
            JWT_ADMIN_SCOPE, TENANT_EVENTS_PER_SECOND, TENANT_API_PER_SECOND,
            ALLOW_HTTP, CommonSettings.EGRESS_ALLOWED_NETWORKS, ROTATION_OVERLAP, MAX_REQUEST_BYTES,
            MAX_EVENT_REQUEST_BYTES,
            OPS_PORT, CommonSettings.LOG_FORMAT),
            io.herald.runtime.tracing.TracingSettings.SETTINGS.stream()).toList();

    private IngestSettings() {
    }
}
