package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.publisher.HeraldPublisher;
import io.herald.publisher.PublisherConfig;
import io.herald.schemas.IamEvents;
import io.herald.schemas.Topics;
import io.herald.schemas.data.SecurityBruteForce;
import io.herald.schemas.event.IamEvent;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A SIEM outside the JVM taps a security topic: KafkaJS reads it and @kafkajs/confluent-schema-registry decodes the
 * Avro values through the registry's Confluent-compatible API, getting every field of the event.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class SiemTapIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aNonJvmConsumerDecodesEveryFieldOfABruteForceEvent(HeraldInfrastructure infra) throws Exception {
        NodeVerifiers.assumeAvailable();
        IamEvent event = IamEvents.of("siem", SecurityBruteForce.newBuilder().setIpAddress("203.0.113.66")
                .setTargetUserId("usr_7").setFailedAttempts(57).setWindowSeconds(60).setBlocked(true).build());
        event.setSource("edge-waf");
        try (HeraldPublisher publisher = HeraldPublisher.create(PublisherConfig.of(infra.bootstrapServers(),
                infra.registryUrl(), "siem-tap-it"))) {
            publisher.publish(event).get(30, TimeUnit.SECONDS);
        }

        Commands.Result result = NodeVerifiers.run("siem-consumer.mjs", infra.bootstrapServers(),
                infra.registry().confluentApiUrl(), Topics.SECURITY_EVENTS, event.getId());

        assertThat(result.exitCode()).as(result.output()).isZero();
        String line = result.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        JsonNode read = JSON.readTree(line);
        assertThat(read.get("key").asText()).isEqualTo("siem:203.0.113.66");
        assertThat(read.get("headers").get("ce_type").asText()).isEqualTo("security.brute_force");
        assertThat(read.get("headers").get("ce_id").asText()).isEqualTo(event.getId());
        JsonNode decoded = read.get("event");
        assertThat(decoded.get("id").asText()).isEqualTo(event.getId());
        assertThat(decoded.get("type").asText()).isEqualTo("security.brute_force");
        assertThat(decoded.get("tenant").asText()).isEqualTo("siem");
        assertThat(decoded.get("source").asText()).isEqualTo("edge-waf");
        assertThat(decoded.get("timestamp").asLong()).isEqualTo(event.getTimestamp().toEpochMilli());
        JsonNode data = decoded.get("data").get("io.herald.schemas.data.SecurityBruteForce");
        assertThat(data).as(decoded.toString()).isNotNull();
        assertThat(data.get("ipAddress").asText()).isEqualTo("203.0.113.66");
        assertThat(data.get("targetUserId").asText()).isEqualTo("usr_7");
        assertThat(data.get("failedAttempts").asInt()).isEqualTo(57);
        assertThat(data.get("windowSeconds").asInt()).isEqualTo(60);
        assertThat(data.get("blocked").asBoolean()).isTrue();
    }
}
