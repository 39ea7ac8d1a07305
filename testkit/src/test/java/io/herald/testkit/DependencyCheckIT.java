package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.runtime.ops.DependencyCheck;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Readiness rests on this: Kafka and the registry are seen up when they answer, and down when they don't. */
@ExtendWith(HeraldInfrastructureExtension.class)
class DependencyCheckIT {

    @Test
    void seesTheBrokerAndTheRegistryUp(HeraldInfrastructure infra) {
        try (DependencyCheck check = DependencyCheck.start(infra.kafkaClients(), infra.registryUrl())) {
            await().atMost(Duration.ofSeconds(20)).until(check::allUp);
            assertThat(check.rounds()).isPositive();
        }
    }

    @Test
    void seesThemDownWhenNothingAnswers() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (DependencyCheck check = DependencyCheck.start(io.herald.runtime.kafka.KafkaClients.of("localhost:" + closed),
                "http://localhost:" + closed + "/apis/registry/v2")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> check.rounds() >= 2); // checks ran, and saw this
            assertThat(check.kafkaUp()).isFalse();
            assertThat(check.registryUp()).isFalse();
            assertThat(check.allUp()).isFalse();
        }
    }
}
