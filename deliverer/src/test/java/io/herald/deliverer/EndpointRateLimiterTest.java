package io.herald.deliverer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EndpointRateLimiterTest {

    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final EndpointRateLimiter limiter = new EndpointRateLimiter(clock);

    @Test
    void aBurstOfTheRateGoesAtOnceThenOneRequestPerIntervalWaitsInMemoryUpToASecond() {
        assertThat(limiter.take("wh_1", 4).delay()).isZero();
        assertThat(limiter.take("wh_1", 4).delay()).isZero();
        assertThat(limiter.take("wh_1", 4).delay()).isZero();
        assertThat(limiter.take("wh_1", 4).delay()).isZero();
        assertThat(limiter.take("wh_1", 4).delay()).isEqualTo(Duration.ofMillis(250));
        assertThat(limiter.take("wh_1", 4).delay()).isEqualTo(Duration.ofMillis(500));
        assertThat(limiter.take("wh_1", 4).delay()).isEqualTo(Duration.ofMillis(750));
        assertThat(limiter.take("wh_1", 4).delay()).isEqualTo(Duration.ofMillis(1000));
        assertThat(limiter.take("wh_2", 4).delay()).as("webhooks are limited separately").isZero();
    }

    @Test
    void furtherOffRequestsAreDeferredOneIntervalApartBeyondTheQueuedOnes() {
        for (int i = 0; i < 2 + 2; i++) {
            assertThat(limiter.take("wh_1", 2).deferred()).isFalse(); // burst of 2, then waits of 0.5 s and 1 s
        }
        EndpointRateLimiter.Turn first = limiter.take("wh_1", 2);
        EndpointRateLimiter.Turn second = limiter.take("wh_1", 2);

        assertThat(first.deferred()).isTrue();
        assertThat(first.retryAt()).isEqualTo(T0.plusMillis(2000));
        assertThat(second.retryAt()).isEqualTo(T0.plusMillis(2500));
    }

    @Test
    void theAllowanceComesBackWithTime() {
        for (int i = 0; i < 3; i++) {
            limiter.take("wh_1", 3);
        }
        assertThat(limiter.take("wh_1", 3).delay()).isPositive();

        clock.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.take("wh_1", 3).delay()).isZero();
        }
    }

    @Test
    void oneRequestPerSecondAllowsNoBurst() {
        assertThat(limiter.take("wh_1", 1).delay()).isZero();
        assertThat(limiter.take("wh_1", 1).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(limiter.take("wh_1", 1).retryAt()).isEqualTo(T0.plusSeconds(3));
    }
}
