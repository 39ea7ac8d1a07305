package io.herald.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the router counts, for Prometheus; tags are bounded (event families, fixed reasons); the tenant only on
 * {@code herald_events_routed_total} and only when {@code herald.metrics.tenant-tag} says tenants are few.
 *
 * <ul>
 *   <li>{@code herald_events_routed_total{family,type}}: valid events routed, whether or not a webhook wanted
 *       them (the catalog bounds the types)</li>
 *   <li>{@code herald_fanout_deliveries_total}: deliveries the fan-out wrote</li>
 *   <li>{@code herald_events_quarantined_total{stage}}: records sent to iam.events.rejected: {@code decode} or
 *       {@code contract}</li>
 *   <li>{@code herald_webhooks_disabled_total{cause}}: {@code gone} (410) or {@code failing}</li>
 * </ul>
 */
public final class RouterMetrics {

    /** The key under which the router hands this object to its exception handlers through the Streams config. */
    public static final String CONFIG_KEY = "herald.router.metrics";

    private final MeterRegistry registry;
    private final Counter deliveries;
    private final boolean byTenant;
    /** Counters by type (and tenant): looking them up in the registry for every event costs more than counting. */
    private final Map<String, Counter> routedCounters = new ConcurrentHashMap<>();

    public RouterMetrics(MeterRegistry registry) {
        this(registry, false);
    }

    public RouterMetrics(MeterRegistry registry, boolean byTenant) {
        this.registry = registry;
        this.byTenant = byTenant;
        this.deliveries = Counter.builder("herald.fanout.deliveries")
                .description("Deliveries written by the fan-out").register(registry);
    }

    public void routed(String type, String tenant, int fanOut) {
        routedCounters.computeIfAbsent(byTenant ? type + '\n' + tenant : type, key -> {
            Counter.Builder routed = Counter.builder("herald.events.routed")
                    .description("Valid events routed, by type")
                    .tag("family", type.substring(0, type.indexOf('.'))).tag("type", type); // the catalog bounds both
            if (byTenant) {
                routed.tag("tenant", tenant);
            }
            return routed.register(registry);
        }).increment();
        deliveries.increment(fanOut);
    }

    public void quarantined(String stage) {
        Counter.builder("herald.events.quarantined").description("Records sent to iam.events.rejected")
                .tag("stage", stage).register(registry).increment();
    }

    public void webhookDisabled(boolean gone) {
        Counter.builder("herald.webhooks.disabled").description("Webhooks Herald disabled")
                .tag("cause", gone ? "gone" : "failing").register(registry).increment();
    }

    public MeterRegistry registry() {
        return registry;
    }
}
