package io.herald.testkit;

import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.Settings;
import io.herald.runtime.kafka.KafkaClients;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka cluster whose only client listener is SASL_SSL, as a company cluster is: TLS with a CA and
 * broker certificate made for this run (by the JDK's keytool), SCRAM-SHA-512 for clients, PLAIN for the broker
 * itself and for the {@link #admin} that creates users. Nothing reaches it without the CA and a password.
 */
public final class SecuredKafka implements AutoCloseable {

    private static final String ADMIN = "herald-test-admin";

    private final KafkaClusterTestKit cluster;
    private final Path truststore;
    private final String storePassword;
    private final String adminPassword;

    private SecuredKafka(KafkaClusterTestKit cluster, Path truststore, String storePassword, String adminPassword) {
        this.cluster = cluster;
        this.truststore = truststore;
        this.storePassword = storePassword;
        this.adminPassword = adminPassword;
    }

    /** Starts the broker; its certificates and stores are written to {@code directory}. */
    public static SecuredKafka start(Path directory) {
        String storePassword = "store-" + UUID.randomUUID();
        String adminPassword = "admin-" + UUID.randomUUID();
        try {
            Path keystore = directory.resolve("broker.p12");
            Path truststore = directory.resolve("truststore.p12");
            Certificates.make(directory, keystore, truststore, storePassword);
            TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                    // The kit builds SASL_PLAINTEXT brokers only; the listener map below makes it SASL_SSL.
                    .setNumControllerNodes(1).setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction()).build();
            String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                    + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword + "\";";
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            Map.ofEntries(
                    Map.entry("listener.security.protocol.map", "EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT"),
                    // No authorizer (the kit adds one for SASL): authentication is what this broker tests, not ACLs.
                    Map.entry("authorizer.class.name", ""),
                    Map.entry("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512"),
                    Map.entry("sasl.mechanism.inter.broker.protocol", "PLAIN"),
                    Map.entry("listener.name.external.plain.sasl.jaas.config", plain),
                    Map.entry("listener.name.external.scram-sha-512.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
                    Map.entry("ssl.keystore.location", keystore.toString()),
                    Map.entry("ssl.keystore.password", storePassword),
                    Map.entry("ssl.key.password", storePassword),
                    Map.entry("ssl.keystore.type", "PKCS12"),
                    Map.entry("ssl.truststore.location", truststore.toString()),
                    Map.entry("ssl.truststore.password", storePassword),
                    Map.entry("ssl.truststore.type", "PKCS12"))
                    .forEach(builder::setConfigProp);
            EmbeddedKafka.SINGLE_NODE.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.setDeleteOnClose(true).build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new SecuredKafka(cluster, truststore, storePassword, adminPassword);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the secured Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("the secured Kafka broker failed to start", e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The Kafka client properties of a SCRAM-SHA-512 user over TLS, as an operator writes them. */
    public Map<String, String> scramClientProperties(String user, String password) {
        return clientProperties("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule", user,
                password);
    }

    private Map<String, String> clientProperties(String mechanism, String loginModule, String user, String password) {
        return Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", mechanism,
                "sasl.jaas.config", loginModule + " required username=\"" + user + "\" password=\"" + password + "\";",
                "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.password", storePassword,
                "ssl.truststore.type", "PKCS12");
    }

    /** Creates (or resets) a SCRAM-SHA-512 user. */
    public void addScramUser(String user, String password) {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("creating the SCRAM user " + user + " failed", e);
        }
    }

    /** An admin client of the broker's own PLAIN user; the caller closes it. */
    public Admin admin() {
        Map<String, String> values = new HashMap<>(CommonSettings.KAFKA_CLIENT.keys(clientProperties("PLAIN",
                "org.apache.kafka.common.security.plain.PlainLoginModule", ADMIN, adminPassword)));
        values.put("herald.kafka.bootstrap-servers", bootstrapServers());
        return KafkaClients.from(Settings.of(values)).admin(Map.of());
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the secured Kafka broker failed", e);
        }
    }

    /** A CA, a broker certificate it signs (for localhost and 127.0.0.1), and a truststore holding the CA. */
    private static final class Certificates {

        static void make(Path directory, Path keystore, Path truststore, String password)
                throws IOException, InterruptedException {
            Path ca = directory.resolve("ca.p12");
            Path caCert = directory.resolve("ca.pem");
            Path request = directory.resolve("broker.csr");
            Path brokerCert = directory.resolve("broker.pem");
            String san = "SAN=dns:localhost,ip:127.0.0.1";
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=Herald test CA", "-ext", "bc:c", "-keystore", ca, "-storetype", "PKCS12",
                    "-storepass", password);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", password, "-file", caCert);
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", san, "-keystore", keystore, "-storetype", "PKCS12",
                    "-storepass", password);
            keytool("-certreq", "-alias", "broker", "-keystore", keystore, "-storepass", password, "-file", request);
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", password, "-validity", "2",
                    "-ext", san, "-infile", request, "-outfile", brokerCert);
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert, "-keystore", keystore,
                    "-storepass", password);
            keytool("-importcert", "-noprompt", "-alias", "broker", "-file", brokerCert, "-keystore", keystore,
                    "-storepass", password);
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert, "-keystore", truststore,
                    "-storetype", "PKCS12", "-storepass", password);
        }

        private static void keytool(Object... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            for (Object arg : args) {
                command.add(arg.toString());
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output);
            }
        }
    }
}
