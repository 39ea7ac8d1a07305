package io.herald.ingest;

import io.herald.ingest.config.IngestConfig;
import io.herald.ingest.config.IngestSettings;
import io.herald.ingest.ops.IngestOperations;
import io.herald.runtime.tracing.ServiceTracing;
import io.herald.ingest.auth.ApiKeys;
import io.herald.ingest.auth.ApiAuthenticator;
import io.herald.ingest.auth.JwtAuthenticator;
import io.herald.ingest.auth.TenantKeys;
import io.herald.ingest.auth.TenantRateLimits;
import io.herald.ingest.webhooks.HeraldDisables;
import io.herald.ingest.audit.AuditLog;
import io.herald.ingest.deliveries.DeliveryLog;
import io.herald.ingest.deliveries.EventReplays;
import io.herald.ingest.webhooks.WebhookService;
import io.herald.ingest.webhooks.WebhookTester;
import io.herald.ingest.events.EventIntake;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.runtime.config.Setting;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.Settings;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.runtime.store.WebhookTable;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import io.herald.schemas.tracing.HeraldTracing;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the ingest service's objects from its validated configuration. Only in the ingest service's own context:
 * other Micronaut contexts in the same JVM (the deliverer's HTTP client, the local launcher) must not build them.
 * Everything that reads or writes Kafka is built at startup ({@code @Context}): a request never waits for a view to
 * load, and a Kafka outage never turns into a failed bean (a 500) on the first request after it.
 */
@Factory
@Requires(env = IngestServer.ENVIRONMENT)
class IngestBeans {

    private static final Duration WEBHOOKS_LOAD_TIMEOUT = Duration.ofSeconds(60);

    /** Eager, so that bad configuration stops the service at startup with a message naming the key. */
    @Context
    IngestConfig config(Environment environment) {
        // Micronaut's environment holds the system properties, the environment variables (HERALD_X_Y as herald.x.y)
        // and what an embedding application passed; the configuration file comes after them, like in the other
        // services.
        Map<String, String> values = new HashMap<>();
        for (Setting<?> setting : IngestSettings.SETTINGS) {
            environment.getProperty(setting.name(), String.class).ifPresent(v -> values.put(setting.name(), v));
        }
        // RAW: the keys as written; Micronaut's own environment-variable spellings (sasl-jaas.config, ...) stay out.
        String clients = CommonSettings.KAFKA_CLIENT.prefix();
        environment.getProperties(clients.substring(0, clients.length() - 1), StringConvention.RAW)
                .forEach((name, value) -> values.put(clients + name, String.valueOf(value)));
        Map<String, String> file = Settings.configFile(environment.getProperty(Settings.CONFIG_FILE, String.class)
                .map(path -> Map.of(Settings.CONFIG_FILE, path)).orElse(Map.of()), Map.of());
        // The process environment too, for the families' own spelling (HERALD_KAFKA_CLIENT_SASL_JAAS_CONFIG).
        return IngestConfig.from(new Settings(values, System.getenv(), file));
    }

    @Singleton
    ApiKeys apiKeys(IngestConfig config) {
        return config.apiKeys();
    }

    @Singleton
    ApiAuthenticator apiAuthenticator(IngestConfig config, ApiKeys keys, TenantKeys tenantKeys) {
        return new ApiAuthenticator(keys, tenantKeys, config.jwt().map(JwtAuthenticator::new).orElse(null));
    }

    @Singleton
    TenantRateLimits tenantRateLimits(IngestConfig config) {
        return new TenantRateLimits(config.tenantEventsPerSecond(), config.tenantApiPerSecond());
    }

    @Singleton
    ForbiddenAddresses destinations(IngestConfig config) {
        return new ForbiddenAddresses(config.allowedNetworks());
    }

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Context
    @Bean(preDestroy = "close")
    WebhookTable webhookTable(IngestConfig config) {
        try { // the first read of Kafka: where refused credentials show
            return WebhookTable.start(config.kafka(), config.registry(), "herald-ingest-subscriptions",
                    WEBHOOKS_LOAD_TIMEOUT);
        } catch (RuntimeException e) {
            throw config.kafka().explained(e);
        }
    }

    @Context
    @Bean(preDestroy = "close")
    AuditLog auditLog(IngestConfig config) {
        return new AuditLog(config.kafka(), config.registry(), WEBHOOKS_LOAD_TIMEOUT);
    }

    @Context
    @Bean(preDestroy = "close")
    WebhookTester webhookTester(IngestConfig config, Clock clock) {
        return new WebhookTester(config, clock);
    }

    @Context
    @Bean(preDestroy = "close")
    DeliveryLog deliveryLog(IngestConfig config, WebhookService webhooks, WebhookStore store, Clock clock) {
        return new DeliveryLog(config, webhooks, store, clock);
    }

    @Context
    @Bean(preDestroy = "close")
    EventReplays eventReplays(IngestConfig config, WebhookService webhooks, WebhookStore store, Clock clock) {
        return new EventReplays(config, webhooks, store, clock, WEBHOOKS_LOAD_TIMEOUT);
    }

    /** Eager, so the operations endpoint answers probes from the start. */
    @Context
    @Bean(preDestroy = "close")
    IngestOperations operations(IngestConfig config) {
        return new IngestOperations(config.kafka(), config.registry(), config.opsPort());
    }

    @Singleton
    @Bean(preDestroy = "close")
    HeraldTracing tracing(IngestConfig config) {
        return ServiceTracing.start(config.tracing(), "herald-ingest");
    }

    /** Eager, so readiness covers it from the start. */
    @Context
    @Bean(preDestroy = "close")
    EventIntake eventIntake(IngestConfig config, HeraldTracing tracing, Clock clock, IngestOperations operations) {
        EventIntake intake = new EventIntake(config.kafka(), config.registry(),
                WEBHOOKS_LOAD_TIMEOUT, tracing, clock, operations::transaction);
        operations.requireReady("the event producer cannot begin a transaction yet", intake::ready);
        return intake;
    }

    /** Eager: failing webhooks are disabled whether or not a request came in. */
    @Context
    @Bean(preDestroy = "close")
    HeraldDisables heraldDisables(IngestConfig config, WebhookStore store, WebhookTable table) {
        return new HeraldDisables(config.kafka(), config.registry(), store, table);
    }

    /** Eager, so readiness covers it from the start and keys work from the first request. */
    @Context
    @Bean(preDestroy = "close")
    TenantKeys tenantKeys(IngestConfig config, Clock clock, IngestOperations operations) {
        TenantKeys keys = TenantKeys.start(config.kafka(), config.registry(), clock, WEBHOOKS_LOAD_TIMEOUT);
        operations.requireReady("the tenant API keys (herald.api-keys) are not loaded yet", keys::ready);
        return keys;
    }

    /** Eager, so readiness covers it from the start. */
    @Context
    @Bean(preDestroy = "close")
    WebhookStore webhookStore(IngestConfig config, ForbiddenAddresses destinations, IngestOperations operations) {
        WebhookStore store = WebhookStore.create(config.kafka(), config.registry(),
                config.secretCipher(), destinations);
        operations.requireReady("the webhooks (herald.subscriptions) are not loaded yet", store::ready);
        return store;
    }
}
