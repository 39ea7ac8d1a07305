package io.herald.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.router.quarantine.EventQuarantine;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class HeraldRouterPropertiesTest {

    private final Properties props = HeraldRouter.streamsProperties(
            RouterConfig.defaults("localhost:9092", "http://localhost:8081", "herald-router", Path.of("state")));

    @Test
    void routesExactlyOnceAndQuarantinesWhatItCannotRoute() {
        assertThat(props).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, EventQuarantine.class)
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, EventQuarantine.class);
    }

    @Test
    void routesBufferedEventsWithoutWaitingForTheTasksOtherTopics() {
        // Waiting (the default, 0) keeps topics in time order, which routing doesn't need, and Kafka Streams formats
        // a log of why it waits for every record: a tenth of the router's CPU in the benchmark's profile.
        assertThat(new StreamsConfig(props).getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(-1L);
    }
}
