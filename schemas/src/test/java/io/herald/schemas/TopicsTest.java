package io.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicsTest {

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
            "200,       herald.deliveries.retry.5s",
            "2000,      herald.deliveries.retry.5s",
            "48000,     herald.deliveries.retry.1m",
            "72000,     herald.deliveries.retry.1m",
            "240000,    herald.deliveries.retry.5m",
            "2880000,   herald.deliveries.retry.40m",
            "3600000,   herald.deliveries.retry.40m",
            "8640000,   herald.deliveries.retry.2h",
            "36000000,  herald.deliveries.retry.10h",
            "259200000, herald.deliveries.retry.10h",
    })
    void retriesGoToTheTierNearestTheirDelaySoJitteredDelaysStayTogether(long millis, String topic) {
        assertThat(Topics.retryTopicFor(Duration.ofMillis(millis))).isEqualTo(topic);
    }
}
