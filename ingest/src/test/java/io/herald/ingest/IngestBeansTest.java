package io.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.auth.ApiKeys;
import io.herald.ingest.config.IngestConfig;
import io.herald.runtime.security.SecretCipher;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.PropertySource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestBeansTest {

    /**
     * Micronaut spreads an environment variable over every dot/dash spelling (sasl.jaas-config, sasl-jaas.config,
     * ...): taken from there, Kafka client properties would be refused as unknown. The ingest takes them as written
     * (embedding, system properties) and from the process environment in the family's own spelling only.
     */
    @Test
    void kafkaClientPropertiesComeAsWrittenNotInTheFrameworksEnvironmentSpellings() {
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).build()) {
            Environment environment = context.getEnvironment();
            environment.addPropertySource(PropertySource.of("environment-like", Map.of(
                    "HERALD_KAFKA_CLIENT_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule"
                            + " required username=\"u\" password=\"p\";"),
                    PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE));
            environment.addPropertySource(PropertySource.of("embedding", Map.of(
                    "herald.kafka.bootstrap-servers", "broker:9093",
                    "herald.registry.url", "http://registry:8080/apis/ccompat/v7",
                    "herald.secrets.keys", "k:" + SecretCipher.generateKey(),
                    "herald.ingest.api-keys", "*:ops:" + ApiKeys.hash("hk_test"),
                    "herald.kafka.client.security.protocol", "SASL_SSL")));
            environment.start();

            IngestConfig config = new IngestBeans().config(environment);

            assertThat(config.kafka().streams("probe", Map.of())).containsEntry("security.protocol", "SASL_SSL")
                    .doesNotContainKeys("sasl-jaas.config", "sasl.jaas-config", "sasl-jaas-config");
        }
    }
}
