package io.herald.runtime.config;

/** Keys every Herald service reads. */
public final class CommonSettings {

    public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = Setting.text("herald.kafka.bootstrap-servers",
            null, "Kafka bootstrap servers, host:port[,host:port...]");
    public static final SettingPrefix KAFKA_CLIENT = new SettingPrefix("herald.kafka.client.",
            "Any Kafka client property (security.protocol, sasl.*, ssl.* and the rest), given to every producer, "
                    + "consumer, admin client and Kafka Streams of the service, each the properties it knows. Values "
                    + "of Kafka's password type are never logged; ${dir:/path:name} and ${file:/path:key} read them "
                    + "from mounted files once config.providers names Kafka's DirectoryConfigProvider or "
                    + "FileConfigProvider. What Herald sets itself is refused: bootstrap.servers (use "
                    + "herald.kafka.bootstrap-servers), client and group ids, serializers, and its guarantees acks, "
                    + "enable.idempotence, isolation.level, enable.auto.commit, processing.guarantee",
            "herald.kafka.client.security.protocol=SASL_SSL");
    public static final Setting<String> REGISTRY_URL = Setting.text("herald.registry.url", null,
            "Schema registry URL, of its Confluent Schema Registry API: Confluent Schema Registry, Karapace or "
                    + "Redpanda (e.g. http://registry:8081), Apicurio (http://apicurio:8080/apis/ccompat/v7)");
    public static final Setting<java.util.Optional<String>> REGISTRY_USERNAME = Setting.optionalText(
            "herald.registry.username", "User of the registry's HTTP basic auth (Confluent Cloud: the API key); "
                    + "empty when the registry asks none", false);
    public static final Setting<java.util.Optional<String>> REGISTRY_PASSWORD = Setting.optionalText(
            "herald.registry.password", "Password of the registry's HTTP basic auth (Confluent Cloud: the API "
                    + "secret); set with herald.registry.username", true);
    public static final Setting<java.util.Optional<String>> REGISTRY_BEARER_TOKEN = Setting.optionalText(
            "herald.registry.bearer-token", "Bearer token sent to the registry instead of basic auth", true);
    /** The keys that say where the registry is and how to authenticate: read together by {@link #registry}. */
    public static final java.util.List<Setting<?>> REGISTRY_SETTINGS = java.util.List.of(REGISTRY_URL,
            REGISTRY_USERNAME, REGISTRY_PASSWORD, REGISTRY_BEARER_TOKEN);
    public static final Setting<String> SECRET_KEYS = Setting.secretText("herald.secrets.keys",
            "Key ring that encrypts webhook secrets at rest: id:base64(32 bytes)[,id:base64...]; the first "
                    + "encrypts, all decrypt. Same value on ingest and deliverer.");

    /** Read by the logging configuration (deploy/docker/logback.xml); services check it at startup. */
    public static final Setting<String> LOG_FORMAT = new Setting<>("herald.log.format",
            "Log format of the service containers: text, or json (one object per line, with tenant, webhook_id, "
                    + "event_id and delivery_id as fields)", "text", v -> v.trim().toLowerCase(java.util.Locale.ROOT),
            v -> v.equals("text") || v.equals("json"), "text or json", false);

    /** Read by ingest (which refuses webhook URLs naming other private addresses) and the deliverer (egress). */
    public static final Setting<java.util.List<io.herald.runtime.egress.Cidr>> EGRESS_ALLOWED_NETWORKS = Setting.cidrs(
            "herald.egress.allowed-networks", "CIDRs webhooks may reach although they are private, loopback or "
                    + "otherwise forbidden (e.g. 127.0.0.0/8 for local development); empty in production");

    public static final Setting<Boolean> METRICS_TENANT_TAG = Setting.flag("herald.metrics.tenant-tag", false,
            "Whether delivery and routing counters carry a tenant label; only where tenants are few (each adds "
                    + "series), never webhook ids or URLs");

    private CommonSettings() {
    }

    /**
     * The registry the settings name, with its credentials.
     *
     * @throws ConfigException naming the keys when they don't make an endpoint (never showing a secret)
     */
    public static io.herald.schemas.registry.RegistryEndpoint registry(Settings settings) {
        String url = settings.get(REGISTRY_URL);
        if (url.replaceAll("/+$", "").endsWith("/apis/registry/v2")) {
            // What earlier releases were configured with: say what to change rather than fail on every schema.
            throw new ConfigException(REGISTRY_URL.name() + " (env " + REGISTRY_URL.environmentVariable()
                    + ") names Apicurio's own v2 API (" + url + "); Herald speaks the Confluent Schema Registry API: "
                    + "give " + url.replaceAll("/+$", "").replaceAll("/apis/registry/v2$", "/apis/ccompat/v7"));
        }
        String username = settings.get(REGISTRY_USERNAME).orElse(null);
        String password = settings.get(REGISTRY_PASSWORD).orElse(null);
        String token = settings.get(REGISTRY_BEARER_TOKEN).orElse(null);
        try {
            return new io.herald.schemas.registry.RegistryEndpoint(url, username, password, token);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(REGISTRY_URL.name() + ", " + REGISTRY_USERNAME.name() + ", "
                    + REGISTRY_PASSWORD.name() + ", " + REGISTRY_BEARER_TOKEN.name() + ": " + e.getMessage());
        }
    }
}
