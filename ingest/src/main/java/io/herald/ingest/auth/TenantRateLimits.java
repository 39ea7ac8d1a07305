package io.herald.ingest.auth;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.herald.ingest.http.ApiException;
import java.time.Duration;

/**
 * Holds each tenant to a number of requests per second on this instance, one budget for event ingest and one for
 * the rest of the API (Resilience4j rate limiters, one per tenant and budget), so one tenant's flood is answered
 * {@code 429} with {@code Retry-After} instead of taking the others' turn. Operators' calls are not counted: the IAM
 * platform's own backend must not be throttled by its tenants' budgets.
 */
public final class TenantRateLimits {

    /** Which budget a request draws on. */
    public enum Budget {
        EVENTS("event ingest"),
        API("the management API");

        private final String label;

        Budget(String label) {
            this.label = label;
        }
    }

    private static final Duration PERIOD = Duration.ofSeconds(1);

    private final RateLimiterRegistry limiters;
    private final int eventsPerSecond;
    private final int apiPerSecond;

    /** @param eventsPerSecond requests per second per tenant on event ingest, 0 for no limit; the same for apiPerSecond */
    public TenantRateLimits(int eventsPerSecond, int apiPerSecond) {
        this.eventsPerSecond = eventsPerSecond;
        this.apiPerSecond = apiPerSecond;
        this.limiters = RateLimiterRegistry.ofDefaults();
    }

    /**
     * Counts one request of the caller's tenant against the budget.
     *
     * @throws ApiException 429 with the seconds to wait when the tenant is over its limit
     */
    public void take(Caller caller, String tenant, Budget budget) {
        int perSecond = budget == Budget.EVENTS ? eventsPerSecond : apiPerSecond;
        if (perSecond == 0 || caller.isOperator()) {
            return;
        }
        RateLimiter limiter = limiters.rateLimiter(budget.name() + ':' + tenant, () -> RateLimiterConfig.custom()
                .limitRefreshPeriod(PERIOD)
                .limitForPeriod(perSecond)
                .timeoutDuration(Duration.ZERO) // a request over the limit is refused, not held
                .build());
        if (!limiter.acquirePermission()) {
            int seconds = (int) PERIOD.toSeconds(); // the budget is refilled within one period
            throw ApiException.tooManyRequests("rate_limited", "tenant " + tenant + " is over its " + perSecond
                    + " requests per second on " + budget.label + "; try again in " + seconds + " s", seconds);
        }
    }
}
