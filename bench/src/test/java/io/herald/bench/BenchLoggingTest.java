package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * The benchmark runs a broker in its own JVM: without a logging configuration of its own, logback's default logs
 * every request the broker serves at DEBUG (hundreds of MB a minute, and the figures with them).
 */
class BenchLoggingTest {

    @Test
    void theBrokerAndClientsInTheBenchmarkJvmLogOnlyErrors() throws Exception {
        URL configuration = BenchLoggingTest.class.getResource("/logback.xml");
        assertThat(configuration).as("bench/src/main/resources/logback.xml").isNotNull();
        LoggerContext context = new LoggerContext(); // not the tests' own logging set-up
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(configuration);

        assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").isInfoEnabled()).isFalse();
        assertThat(context.getLogger("kafka.request.logger").isDebugEnabled()).isFalse();
        assertThat(context.getLogger("io.herald.bench.BenchRun").isWarnEnabled()).isTrue();
    }
}
