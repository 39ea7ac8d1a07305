package io.herald.deliverer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DelivererMetricsTest {

    @Test
    void deliveryResultsCarryATenantOnlyWhenConfigured() {
        SimpleMeterRegistry plain = new SimpleMeterRegistry();
        new DelivererMetrics(plain, false).deadLettered("acme");
        assertThat(plain.get("herald.deliveries").tag("result", "dead_lettered").counter().getId().getTag("tenant"))
                .isNull();

        SimpleMeterRegistry byTenant = new SimpleMeterRegistry();
        DelivererMetrics metrics = new DelivererMetrics(byTenant, true);
        Instant now = Instant.parse("2026-11-24T12:00:00Z");
        metrics.delivered("acme", now.minusMillis(250), now);
        metrics.retried("acme", Duration.ofSeconds(5));
        metrics.skipped("globex");
        assertThat(byTenant.get("herald.deliveries").tags("result", "delivered", "tenant", "acme").counter().count())
                .isEqualTo(1);
        assertThat(byTenant.get("herald.deliveries").tags("result", "retried", "tenant", "acme").counter().count())
                .isEqualTo(1);
        assertThat(byTenant.get("herald.deliveries").tags("result", "skipped", "tenant", "globex").counter().count())
                .isEqualTo(1);
        // histograms and tiers never split by tenant
        assertThat(byTenant.get("herald.delivery.latency").timer().getId().getTag("tenant")).isNull();
        assertThat(byTenant.get("herald.retries").counter().getId().getTag("tenant")).isNull();
    }
}
