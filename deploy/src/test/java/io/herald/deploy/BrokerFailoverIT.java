package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.deliverer.DelivererConfig;
import io.herald.deliverer.HeraldDeliverer;
import io.herald.ingest.webhooks.CreatedWebhook;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.ingest.webhooks.WebhookDefinition;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.publisher.HeraldPublisher;
import io.herald.publisher.PublisherConfig;
import io.herald.router.HeraldRouter;
import io.herald.router.RouterConfig;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.kafka.TopicInstaller;
import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.IamEvents;
import io.herald.schemas.Topics;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.signatures.WebhookHeaders;
import io.herald.testkit.EmbeddedKafka;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.WebhookReceiver;
import io.herald.testkit.WebhookReceiver.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Herald on three brokers, every topic (the router's own included) of three replicas, two of which take each write.
 * During a steady stream of events one broker stops and later starts again, as in a rolling restart: every (event,
 * webhook) pair is delivered, the copies of a delivery share their webhook-id, and neither router nor deliverer
 * stops.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class BrokerFailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STREAM_FOR = Duration.ofSeconds(30);

    @Test
    void aBrokerStoppedAndStartedDuringASteadyStreamLosesNoDelivery(HeraldInfrastructure infra) throws Exception {
        Path directory = Files.createTempDirectory("broker-failover");
        String keyRing = "fo:" + SecretCipher.generateKey();
        try (EmbeddedKafka cluster = EmbeddedKafka.startCluster(3);
                WebhookReceiver receiver = WebhookReceiver.start()) {
            try (Admin admin = cluster.admin()) {
                new TopicInstaller(admin).install(Topics.all(), (short) 3, 2);
            }
            String bootstrap = cluster.bootstrapServers();
            List<CreatedWebhook> webhooks = new ArrayList<>();
            try (HeraldRouter router = HeraldRouter.start(RouterConfig.builder(bootstrap, infra.registryUrl(),
                            "failover-router", directory.resolve("router"))
                            .set(RouterConfig.REPLICATION_FACTOR, 3).set(RouterConfig.MIN_INSYNC_REPLICAS, 2).build());
                    HeraldDeliverer deliverer = HeraldDeliverer.start(DelivererConfig.builder(bootstrap,
                            infra.registryUrl(), keyRing).set(DelivererConfig.GROUP_ID, "failover-deliverer")
                            .set(DelivererConfig.RETRY_SCHEDULE, List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                            .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8"))).build());
                    WebhookStore store = WebhookStore.create(KafkaClients.of(bootstrap), infra.registryEndpoint(),
                            SecretCipher.fromKeyRing(keyRing),
                            new ForbiddenAddresses(List.of(Cidr.parse("127.0.0.0/8"))));
                    HeraldPublisher publisher = HeraldPublisher.create(PublisherConfig.of(bootstrap,
                            infra.registryUrl(), "failover-login-service"))) {
                for (String path : List.of("/siem", "/audit")) {
                    webhooks.add(store.create(new WebhookDefinition("failover", "failover " + path, null,
                            receiver.url(path), List.of("auth.*"), Map.of(), null, true)));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> webhooks.stream()
                        .allMatch(webhook -> router.knowsWebhook("failover", webhook.id())));

                List<KafkaStreams.State> routerStates = new CopyOnWriteArrayList<>();
                List<String> published = new CopyOnWriteArrayList<>();
                AtomicBoolean publishing = new AtomicBoolean(true);
                CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
                    int n = 0;
                    List<CompletableFuture<?>> pending = new ArrayList<>();
                    while (publishing.get()) {
                        var event = IamEvents.of("failover", AuthLoginSucceeded.newBuilder()
                                .setUserId("usr_" + (n++ % 50)).setMethod("password").build());
                        pending.add(publisher.publish(event).thenAccept(done -> published.add(done.eventId())));
                        routerStates.add(router.state());
                        sleep(25);
                    }
                    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
                });

                int stopped = cluster.brokerIds().get(1); // not the controller's node
                sleep(STREAM_FOR.toMillis() / 3);
                cluster.stopBroker(stopped);
                sleep(STREAM_FOR.toMillis() / 3);
                cluster.startBroker(stopped);
                sleep(STREAM_FOR.toMillis() / 3);
                publishing.set(false);
                stream.get(3, TimeUnit.MINUTES); // every publish acknowledged by the in-sync replicas

                assertThat(published).hasSizeGreaterThan(300);
                Set<String> expected = new HashSet<>(published);
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        webhooks.stream().allMatch(webhook ->
                                receivedEventIds(receiver, webhook).containsAll(expected)));

                for (CreatedWebhook webhook : webhooks) {
                    Map<String, Set<String>> webhookIdsByEvent = new HashMap<>();
                    for (ReceivedRequest request : receiver.requests(path(webhook))) {
                        webhookIdsByEvent.computeIfAbsent(eventId(request), id -> new HashSet<>())
                                .add(request.header(WebhookHeaders.ID));
                    }
                    assertThat(webhookIdsByEvent.keySet()).isEqualTo(expected);
                    assertThat(webhookIdsByEvent.values()).as("copies of a delivery share their webhook-id")
                            .allMatch(ids -> ids.size() == 1);
                }
                assertThat(routerStates).as("the router never stopped")
                        .doesNotContain(KafkaStreams.State.ERROR, KafkaStreams.State.NOT_RUNNING,
                                KafkaStreams.State.PENDING_SHUTDOWN);
                assertThat(router.isRunning()).isTrue();
                assertThat(deliverer.isRunning()).as("the deliverer never stopped").isTrue();

                try (Admin admin = cluster.admin()) {
                    assertRouterTopicsReplicated(admin);
                }
            }
        } finally {
            org.apache.kafka.common.utils.Utils.delete(directory.toFile());
        }
    }

    /** The router's changelog and repartition topics, made by Kafka Streams, are replicated like Herald's. */
    private static void assertRouterTopicsReplicated(Admin admin) throws Exception {
        List<String> internal = admin.listTopics().names().get().stream()
                .filter(name -> name.startsWith("failover-router-")).toList();
        assertThat(internal).isNotEmpty();
        Map<String, TopicDescription> described = admin.describeTopics(internal).allTopicNames().get();
        assertThat(described.values()).allSatisfy(topic -> assertThat(topic.partitions())
                .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3)));
        var configs = admin.describeConfigs(internal.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get();
        assertThat(configs.values()).allSatisfy(config ->
                assertThat(config.get("min.insync.replicas").value()).isEqualTo("2"));
    }

    private static Set<String> receivedEventIds(WebhookReceiver receiver, CreatedWebhook webhook) {
        Set<String> ids = new HashSet<>();
        receiver.requests(path(webhook)).forEach(request -> ids.add(eventId(request)));
        return ids;
    }

    private static String eventId(ReceivedRequest request) {
        try {
            return JSON.readTree(request.body()).get("id").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError("unreadable webhook body", e);
        }
    }

    private static String path(CreatedWebhook webhook) {
        return java.net.URI.create(webhook.webhook().getUrl()).getPath();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
