package io.herald.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RouterMetricsTest {

    @Test
    void routedEventsCarryNoTenantUnlessAskedTo() {
        SimpleMeterRegistry plain = new SimpleMeterRegistry();
        new RouterMetrics(plain).routed("auth.login.success", "acme", 3);
        assertThat(plain.get("herald.events.routed").tags("family", "auth", "type", "auth.login.success").counter()
                .getId().getTag("tenant"))
                .isNull();
        assertThat(plain.get("herald.fanout.deliveries").counter().count()).isEqualTo(3);

        SimpleMeterRegistry byTenant = new SimpleMeterRegistry();
        RouterMetrics metrics = new RouterMetrics(byTenant, true);
        metrics.routed("auth.login.success", "acme", 1);
        metrics.routed("auth.login.failure", "acme", 1);
        metrics.routed("auth.login.success", "globex", 0);
        assertThat(byTenant.get("herald.events.routed").tags("family", "auth", "tenant", "acme").counters())
                .hasSize(2).allSatisfy(counter -> assertThat(counter.count()).isEqualTo(1));
        assertThat(byTenant.get("herald.events.routed").tags("family", "auth", "tenant", "globex").counter().count())
                .isEqualTo(1);
    }
}
