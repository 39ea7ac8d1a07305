package io.herald.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RouterMetricsTest {

    @Test
    void routedEventsCarryNoTenantUnlessAskedTo() {
        SimpleMeterRegistry plain = new SimpleMeterRegistry();
        new RouterMetrics(plain).routed("auth", "acme", 3);
        assertThat(plain.get("herald.events.routed").tag("family", "auth").counter().getId().getTag("tenant"))
                .isNull();
        assertThat(plain.get("herald.fanout.deliveries").counter().count()).isEqualTo(3);

        SimpleMeterRegistry byTenant = new SimpleMeterRegistry();
        RouterMetrics metrics = new RouterMetrics(byTenant, true);
        metrics.routed("auth", "acme", 1);
        metrics.routed("auth", "acme", 1);
        metrics.routed("auth", "globex", 0);
        assertThat(byTenant.get("herald.events.routed").tags("family", "auth", "tenant", "acme").counter().count())
                .isEqualTo(2);
        assertThat(byTenant.get("herald.events.routed").tags("family", "auth", "tenant", "globex").counter().count())
                .isEqualTo(1);
    }
}
