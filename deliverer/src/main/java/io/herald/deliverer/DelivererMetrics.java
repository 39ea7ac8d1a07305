package io.herald.deliverer;

import io.herald.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Instant;

/**
 * What the deliverer counts, for Prometheus. No webhook or URL in any tag: their number is unbounded; the tenant
 * only when {@code herald.metrics.tenant-tag} says tenants are few, on {@code herald_deliveries_total}.
 *
 * <ul>
 *   <li>{@code herald_deliveries_total{result}}: each attempt's fate: delivered, retried, dead_lettered, skipped,
 *       refused</li>
 *   <li>{@code herald_delivery_attempt_seconds{outcome}}: HTTP attempt duration (histogram)</li>
 *   <li>{@code herald_delivery_latency_seconds}: event time to the 2xx answer (histogram)</li>
 *   <li>{@code herald_retries_total{tier}}: retries queued, by delayed-retry topic</li>
 *   <li>{@code herald_deferrals_total{reason}}: deliveries sent back unsent: saturated, stalled, circuit_open,
 *       rate_limited</li>
 * </ul>
 */
final class DelivererMetrics {

    private final MeterRegistry registry;
    private final Timer latency;
    private final boolean byTenant;
    /** Meters by their tag values: looking them up in the registry on every delivery costs more than the count. */
    private final Map<String, Timer> attemptTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> resultCounters = new ConcurrentHashMap<>();

    DelivererMetrics(MeterRegistry registry, boolean byTenant) {
        this.registry = registry;
        this.byTenant = byTenant;
        this.latency = Timer.builder("herald.delivery.latency")
                .description("Time from the event to its delivery's 2xx answer")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    void attempted(HttpOutcome http) {
        String outcome = http.refused() ? "refused" : http.succeeded() ? "succeeded" : "failed";
        attemptTimers.computeIfAbsent(outcome, tag -> Timer.builder("herald.delivery.attempt")
                        .description("Duration of HTTP attempts, by outcome")
                        .tag("outcome", tag)
                        .publishPercentileHistogram()
                        .register(registry))
                .record(Duration.ofMillis(http.latencyMs()));
    }

    void delivered(String tenant, Instant eventTime, Instant now) {
        result("delivered", tenant);
        latency.record(Duration.between(eventTime, now).isNegative() ? Duration.ZERO
                : Duration.between(eventTime, now));
    }

    void retried(String tenant, Duration delay) {
        result("retried", tenant);
        String tier = Topics.retryTopicFor(delay).substring(Topics.RETRY_PREFIX.length());
        Counter.builder("herald.retries").description("Retries queued, by delayed-retry tier").tag("tier", tier)
                .register(registry).increment();
    }

    void deadLettered(String tenant) {
        result("dead_lettered", tenant);
    }

    void skipped(String tenant) {
        result("skipped", tenant);
    }

    void refused(String tenant) {
        result("refused", tenant);
    }

    void deferred(String reason) {
        Counter.builder("herald.deferrals").description("Deliveries sent back to the retry path unsent")
                .tag("reason", reason).register(registry).increment();
    }

    private void result(String result, String tenant) {
        resultCounters.computeIfAbsent(byTenant ? result + '\n' + tenant : result, key -> {
            Counter.Builder counter = Counter.builder("herald.deliveries").description("Delivery attempts by result")
                    .tag("result", result);
            if (byTenant) {
                counter.tag("tenant", tenant);
            }
            return counter.register(registry);
        }).increment();
    }
}
