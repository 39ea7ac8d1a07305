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
        try (DependencyCheck check = DependencyCheck.start(infra.kafkaClients(), infra.registryEndpoint())) {
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
        try (DependencyCheck check = DependencyCheck.start(
                io.herald.runtime.kafka.KafkaClients.of("localhost:" + closed),
                io.herald.schemas.registry.RegistryEndpoint.of("http://localhost:" + closed))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> check.rounds() >= 2); // checks ran, and saw this
            assertThat(check.kafkaUp()).isFalse();
            assertThat(check.registryUp()).isFalse();
            assertThat(check.allUp()).isFalse();
        }
    }

    @Test
    void aRegistryThatRefusesTheCredentialsIsNotReadyAndSaysWhyWithoutTheSecret(HeraldInfrastructure infra) {
        String good = "Basic " + java.util.Base64.getEncoder().encodeToString("herald:right-password".getBytes());
        try (RegistryProxy proxy = RegistryProxy.start(infra.registryUrl(), good);
                DependencyCheck refused = DependencyCheck.start(infra.kafkaClients(),
                        io.herald.schemas.registry.RegistryEndpoint.of(proxy.url()).withBasicAuth("herald",
                                "wrong-password"));
                DependencyCheck accepted = DependencyCheck.start(infra.kafkaClients(),
                        io.herald.schemas.registry.RegistryEndpoint.of(proxy.url()).withBasicAuth("herald",
                                "right-password"))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> refused.problem().isPresent() && accepted.allUp());

            assertThat(refused.registryUp()).isFalse();
            assertThat(refused.problem().get()).isEqualTo("the schema registry at " + proxy.url()
                    + " refused basic auth as herald (HTTP 401: Unauthorized); check herald.registry.username and "
                    + "herald.registry.password, or herald.registry.bearer-token").doesNotContain("wrong-password");

            proxy.failing(true); // the registry goes away: down, but nothing for the operator to fix
            await().atMost(Duration.ofSeconds(20)).until(() -> !accepted.registryUp());
            assertThat(accepted.problem()).isEmpty();
            proxy.failing(false);
            await().atMost(Duration.ofSeconds(20)).until(accepted::registryUp);
        }
    }
}
