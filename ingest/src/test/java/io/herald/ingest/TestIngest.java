package io.herald.ingest;

import io.herald.ingest.auth.ApiKeys;
import io.herald.runtime.security.SecretCipher;
import io.herald.testkit.HeraldInfrastructure;
import java.util.Map;

/** An ingest service on the shared test infrastructure, with one API key per test tenant and an operator key. */
final class TestIngest {

    static final String ACME_KEY = "hk_test_acme_portal";
    static final String GLOBEX_KEY = "hk_test_globex_portal";
    static final String OPERATOR_KEY = "hk_test_operator";
    static final String KEY_RING = "test:" + SecretCipher.generateKey();

    private TestIngest() {
    }

    static IngestServer start(HeraldInfrastructure infra) {
        return start(infra, Map.of());
    }

    /** With more settings, or other values of the usual ones. */
    static IngestServer start(HeraldInfrastructure infra, Map<String, String> more) {
        return IngestServer.start(0, settings(infra, more));
    }

    /** The settings {@link #start} gives the service. */
    static Map<String, Object> settings(HeraldInfrastructure infra, Map<String, String> more) {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of(
                "herald.kafka.bootstrap-servers", infra.bootstrapServers(),
                "herald.registry.url", infra.registryUrl(),
                "herald.secrets.keys", KEY_RING,
                "herald.ingest.ops-port", "0",
                "herald.ingest.api-keys", "acme:acme-portal:" + ApiKeys.hash(ACME_KEY)
                        + ",globex:globex-portal:" + ApiKeys.hash(GLOBEX_KEY)
                        + ",*:ops:" + ApiKeys.hash(OPERATOR_KEY)));
        // Tests load one tenant harder than a tenant should be allowed to; TenantRateLimitsIT sets its own limits.
        settings.put("herald.ingest.tenant-events-per-second", "0");
        settings.put("herald.ingest.tenant-api-per-second", "0");
        settings.putAll(more);
        return settings;
    }
}
