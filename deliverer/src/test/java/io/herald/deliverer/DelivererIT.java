package io.herald.deliverer;

import io.herald.runtime.config.CommonSettings;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.HeraldIds;
import io.herald.schemas.WebhookKeys;
import io.herald.schemas.Topics;
import io.herald.schemas.delivery.AttemptOutcome;
import io.herald.schemas.delivery.DeadLetter;
import io.herald.schemas.delivery.Delivery;
import io.herald.runtime.egress.Cidr;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.runtime.security.SecretCipher;
import io.herald.signatures.WebhookSecrets;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.BearerTokenAuth;
import io.herald.schemas.webhook.Webhook;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicTail;
import io.herald.testkit.WebhookReceiver;
import io.herald.testkit.WebhookReceiver.ReceivedRequest;
import io.herald.testkit.WebhookReceiver.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.LoggerFactory;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(HeraldInfrastructureExtension.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class DelivererIT {

    private static final String TENANT = "deliverer-it";
    private static final String KEY_RING = "k1:" + SecretCipher.generateKey();
    private static final SecretCipher CIPHER = SecretCipher.fromKeyRing(KEY_RING);

    private static WebhookReceiver receiver;
    private static HeraldDeliverer deliverer;
    private static KafkaProducer<String, Webhook> webhookProducer;
    private static KafkaProducer<String, Delivery> deliveries;
    private static AttemptCollector attempts;
    private static DeadLetterCollector deadLetters;

    @BeforeAll
    static void start(HeraldInfrastructure infra) {
        receiver = WebhookReceiver.start();
        Map<String, Object> producer = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        webhookProducer = new KafkaProducer<>(producer, new StringSerializer(),
                HeraldSerdes.<Webhook>valueSerializer(infra.registryUrl()));
        deliveries = new KafkaProducer<>(producer, new StringSerializer(),
                HeraldSerdes.<Delivery>valueSerializer(infra.registryUrl()));
        attempts = new AttemptCollector(infra);
        deadLetters = new DeadLetterCollector(infra);
        deliverer = HeraldDeliverer.start(DelivererConfig.builder(infra.bootstrapServers(), infra.registryUrl(), KEY_RING)
                .set(DelivererConfig.GROUP_ID, "deliverer-it")
                .set(DelivererConfig.MAX_IN_FLIGHT, 64)
                .set(DelivererConfig.DEFAULT_TIMEOUT, Duration.ofSeconds(5))
                .set(DelivererConfig.CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8")))
                .set(DelivererConfig.MAX_IN_FLIGHT_PER_WEBHOOK, 8)
                .set(DelivererConfig.CIRCUIT_FAILURES, 3)
                .set(DelivererConfig.CIRCUIT_OPEN_FOR, Duration.ofSeconds(5)).build());
    }

    @AfterAll
    static void stop() {
        deliverer.close();
        attempts.close();
        deadLetters.close();
        webhookProducer.close();
        deliveries.close();
        receiver.close();
    }

    @Test
    void postsTheSignedBodyWithCustomHeadersAndAuthThenRecordsSuccess() throws Exception {
        String secret = WebhookSecrets.generate();
        Webhook webhook = webhook(receiver.url("/signed"), secret, null);
        webhook.setHeaders(Map.of("X-Team", "identity", "webhook-id", "forged"));
        webhook.setAuth(new BearerTokenAuth(CIPHER.encrypt("tok-123", webhook.getId())));
        store(webhook);

        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Delivery delivery = deliver(webhook, "{\"id\":\"evt_1\",\"type\":\"user.created\",\"data\":{}}",
                traceparent);

        DeliveryAttempt attempt = attempts.await(delivery.getId());
        assertThat(attempt.getOutcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
        assertThat(attempt.getHttpStatus()).isEqualTo(204);
        assertThat(attempt.getAttempt()).isEqualTo(1);
        assertThat(attempt.getWebhookId()).isEqualTo(webhook.getId());

        ReceivedRequest request = receiver.requests("/signed").get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.body()).isEqualTo(delivery.getBody());
        assertThat(request.header("content-type")).startsWith("application/json");
        assertThat(request.header("webhook-id")).isEqualTo(delivery.getId());
        assertThat(request.header("x-team")).isEqualTo("identity");
        assertThat(request.header("authorization")).isEqualTo("Bearer tok-123");
        assertThat(request.header("x-herald-event")).isEqualTo("user.created");
        assertThat(request.header("traceparent")).isEqualTo(traceparent); // tracing off: the event's trace, as it came
        long timestamp = Long.parseLong(request.header("webhook-timestamp"));
        assertThat(timestamp).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        // Verified here with the JDK alone, independently of Herald's signing code.
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        String expected = "v1," + Base64.getEncoder().encodeToString(
                hmac(key, delivery.getId() + "." + timestamp + "." + request.body()));
        assertThat(request.header("webhook-signature")).isEqualTo(expected);
        assertThat(request.header("x-herald-signature")).isEqualTo("sha256="
                + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), request.body())));
    }

    @Test
    void refusedConnectionsTimeoutsAndErrorsBecomeFailedAttemptsWhileOthersAreDelivered() {
        receiver.respond("/slow", 200, Duration.ofSeconds(3));
        receiver.respond("/broken", 500, Duration.ZERO);
        Webhook refused = webhook("http://127.0.0.1:" + closedPort() + "/nobody", WebhookSecrets.generate(), null);
        Webhook slow = webhook(receiver.url("/slow"), WebhookSecrets.generate(), 300);
        Webhook broken = webhook(receiver.url("/broken"), WebhookSecrets.generate(), null);
        Webhook healthy = webhook(receiver.url("/healthy"), WebhookSecrets.generate(), null);
        store(refused, slow, broken, healthy);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger processorLog = (Logger) LoggerFactory.getLogger(DeliveryProcessor.class);
        processorLog.addAppender(logs);

        Delivery toRefused = deliver(refused, "{}");
        Delivery toSlow = deliver(slow, "{}");
        Delivery toBroken = deliver(broken, "{\"password\":\"in-the-body\"}");
        Delivery toHealthy = deliver(healthy, "{}");

        assertThat(attempts.await(toRefused.getId())).satisfies(a -> {
            assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.FAILED);
            assertThat(a.getHttpStatus()).isNull();
            assertThat(a.getError()).startsWith("connection failed");
        });
        assertThat(attempts.await(toSlow.getId())).satisfies(a -> {
            assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.FAILED);
            assertThat(a.getError()).isEqualTo("timed out after 300 ms");
            assertThat(a.getLatencyMs()).isBetween(250L, 2_900L);
        });
        assertThat(attempts.await(toBroken.getId())).satisfies(a -> {
            assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.FAILED);
            assertThat(a.getHttpStatus()).isEqualTo(500);
            assertThat(a.getError()).isEqualTo("endpoint answered HTTP 500");
            assertThat(a.getResponseExcerpt()).contains("\"status\":500");
        });
        processorLog.detachAppender(logs);
        ILoggingEvent brokenLog = logs.list.stream().filter(e -> e.getFormattedMessage().contains(toBroken.getId()))
                .findFirst().orElseThrow();
        // JSON logs carry the ids as fields; never the body
        assertThat(brokenLog.getKeyValuePairs()).extracting(kv -> kv.key + "=" + kv.value).contains(
                "tenant=" + TENANT, "webhook_id=" + broken.getId(), "event_id=" + toBroken.getEventId(),
                "delivery_id=" + toBroken.getId(), "attempt=1", "outcome=FAILED");
        assertThat(brokenLog.getFormattedMessage()).doesNotContain("in-the-body");
        assertThat(attempts.await(toHealthy.getId()).getOutcome()).isEqualTo(AttemptOutcome.SUCCEEDED);

        // The worker survived all of that and keeps delivering.
        Delivery later = deliver(healthy, "{\"later\":true}");
        assertThat(attempts.await(later.getId()).getOutcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
    }

    @Test
    void skipsDeliveriesForUnknownOrDisabledWebhooksWithAReason() {
        Webhook neverStored = webhook(receiver.url("/unknown"), WebhookSecrets.generate(), null);
        Webhook disabled = webhook(receiver.url("/disabled"), WebhookSecrets.generate(), null);
        disabled.setActive(false);
        disabled.setDisabledReason("paused by admin");
        store(disabled);

        // Delivered before the deliverer's view may have seen the webhook: it catches up before deciding.
        DeliveryAttempt toDisabled = attempts.await(deliver(disabled, "{}").getId());
        DeliveryAttempt toUnknown = attempts.await(deliver(neverStored, "{}").getId());

        assertThat(toUnknown.getOutcome()).isEqualTo(AttemptOutcome.SKIPPED);
        assertThat(toUnknown.getError()).isEqualTo("webhook no longer exists");
        assertThat(toDisabled.getOutcome()).isEqualTo(AttemptOutcome.SKIPPED);
        assertThat(toDisabled.getError()).isEqualTo("webhook is disabled: paused by admin");
        assertThat(receiver.requests("/unknown")).isEmpty();
        assertThat(receiver.requests("/disabled")).isEmpty();
        // Kept for recovery once the webhook is enabled again; a deleted webhook's delivery has nowhere to go.
        DeadLetter kept = deadLetters.await(toDisabled.getDeliveryId());
        assertThat(kept.getReason()).isEqualTo("webhook is disabled: paused by admin");
        assertThat(kept.getDelivery().getPreviousAttempts()).extracting(a -> a.getOutcome()).containsExactly("SKIPPED");
        assertThat(deadLetters.find(toUnknown.getDeliveryId())).isNull();
    }

    @Test
    void holdsAWebhookToItsRateLimitWithoutLosingOrFailingAnything() {
        Webhook limited = webhook(receiver.url("/limited"), WebhookSecrets.generate(), null);
        limited.setRateLimitPerSecond(4);
        store(limited);

        List<Delivery> burst = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            burst.add(deliver(limited, "{\"n\":" + i + "}"));
        }
        for (Delivery delivery : burst) {
            assertThat(attempts.await(delivery.getId()).getOutcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
        }

        List<Instant> sent = receiver.requests("/limited").stream().map(ReceivedRequest::receivedAt).sorted()
                .toList();
        assertThat(sent).hasSize(16);
        assertThat(receiver.requests("/limited")).extracting(r -> r.header("x-herald-attempt")).containsOnly("1");
        // A burst of 4, then one every 250 ms: the 16th request can't come before 12 intervals have passed
        // (less a little for the first request's own network time), and no second holds more than 4 + 4.
        assertThat(Duration.between(sent.get(0), sent.get(15))).isGreaterThan(Duration.ofMillis(2800));
        for (int i = 0; i < sent.size(); i++) {
            Instant windowStart = sent.get(i);
            Instant windowEnd = windowStart.plusSeconds(1);
            assertThat(sent.stream().filter(t -> !t.isBefore(windowStart) && t.isBefore(windowEnd)).count())
                    .as("requests in the second after request %d", i).isLessThanOrEqualTo(9);
        }
    }

    @Test
    void retriesA503TwiceThenDeliversOnceOnScheduleWithTheSameWebhookId() {
        receiver.script("/flaky", Reply.of(503), Reply.of(503), Reply.of(200));
        Webhook flaky = webhook(receiver.url("/flaky"), WebhookSecrets.generate(), null);
        flaky.setRetryDelaysMs(List.of(400L, 400L, 400L));
        store(flaky);

        Delivery delivery = deliver(flaky, "{\"flaky\":true}");

        List<DeliveryAttempt> tries = attempts.awaitAll(delivery.getId(), 3);
        assertThat(tries).extracting(DeliveryAttempt::getOutcome)
                .containsExactly(AttemptOutcome.FAILED, AttemptOutcome.FAILED, AttemptOutcome.SUCCEEDED);
        assertThat(tries).extracting(DeliveryAttempt::getHttpStatus).containsExactly(503, 503, 200);
        assertThat(tries.get(2).getNextAttemptAt()).isNull();
        List<ReceivedRequest> requests = receiver.requests("/flaky");
        assertThat(requests).hasSize(3).extracting(r -> r.header("webhook-id")).containsOnly(delivery.getId());
        assertThat(requests).extracting(r -> r.header("x-herald-attempt")).containsExactly("1", "2", "3");
        for (int i = 0; i < 2; i++) {
            // never early: each retry arrives at or after the due time its predecessor's attempt record announced
            assertThat(requests.get(i + 1).receivedAt()).isAfterOrEqualTo(tries.get(i).getNextAttemptAt());
        }
    }

    @Test
    void exhaustedGoneAndRefusedDeliveriesAreDeadLetteredWithTheirHistory() {
        receiver.respond("/always-500", 500, Duration.ZERO);
        receiver.respond("/gone", 410, Duration.ZERO);
        Webhook failing = webhook(receiver.url("/always-500"), WebhookSecrets.generate(), null);
        failing.setRetryDelaysMs(List.of(200L));
        Webhook gone = webhook(receiver.url("/gone"), WebhookSecrets.generate(), null);
        Webhook refused = webhook("http://10.0.0.1/hook", WebhookSecrets.generate(), null);
        store(failing, gone, refused);

        Delivery toFailing = deliver(failing, "{}");
        Delivery toGone = deliver(gone, "{}");
        Delivery toRefused = deliver(refused, "{}");

        DeadLetter exhausted = deadLetters.await(toFailing.getId());
        assertThat(exhausted.getReason()).isEqualTo("gave up after 2 attempts");
        assertThat(exhausted.getDelivery().getPreviousAttempts()).extracting(s -> s.getAttempt() + ":" + s.getHttpStatus())
                .containsExactly("1:500", "2:500");
        assertThat(deadLetters.await(toGone.getId()).getReason()).isEqualTo("endpoint answered 410 Gone; not retried");
        assertThat(receiver.requests("/gone")).hasSize(1);
        DeadLetter refusal = deadLetters.await(toRefused.getId());
        assertThat(refusal.getReason()).isEqualTo("destination refused; not retried");
        assertThat(refusal.getDelivery().getPreviousAttempts().get(0).getOutcome()).isEqualTo("REFUSED");
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last: the new group reads every earlier test's deliveries again
    void aSecondDelivererGroupTakesUpNoRetryOfTheFirstSoNothingMultiplies(HeraldInfrastructure infra)
            throws Exception {
        receiver.respond("/two-groups", 500, Duration.ZERO);
        Webhook failing = webhook(receiver.url("/two-groups"), WebhookSecrets.generate(), null);
        failing.setRetryDelaysMs(List.of(200L, 200L)); // three attempts per group
        store(failing);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        Logger groupCheck = (Logger) LoggerFactory.getLogger(OtherDelivererGroups.class);
        groupCheck.addAppender(warnings);
        try (HeraldDeliverer second = HeraldDeliverer.start(DelivererConfig.builder(infra.bootstrapServers(),
                infra.registryUrl(), KEY_RING)
                .set(DelivererConfig.GROUP_ID, "deliverer-it-second")
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8"))).build())) {
            Thread.sleep(3_000); // the second group has its partitions
            Delivery delivery = deliver(failing, "{}");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (count(infra, Topics.DEAD_LETTERS, delivery.getId()) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            Thread.sleep(6_000); // anything multiplying would show by now (the 5 s tier, once more)
            assertThat(count(infra, Topics.DEAD_LETTERS, delivery.getId())).as("one dead letter per group")
                    .isEqualTo(2);
            assertThat(count(infra, Topics.DELIVERIES, delivery.getId()))
                    .as("the routed delivery, and each group's own two retries handed back").isEqualTo(1 + 2 * 2);
            assertThat(count(infra, Topics.ATTEMPTS, delivery.getId())).as("three attempts per group")
                    .isEqualTo(2 * 3);
            assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).as("said loudly")
                    .anyMatch(line -> line.startsWith("Deliverer group deliverer-it also reads herald.deliveries: "
                            + "every group sends every delivery") && line.contains("(this one: deliverer-it-second)"));
        } finally {
            groupCheck.detachAppender(warnings);
        }
    }

    /** Records of a topic that carry this delivery id (as an Avro string, so without decoding each type). */
    private static long count(HeraldInfrastructure infra, String topic, String deliveryId) {
        return io.herald.testkit.TopicRecords.countContaining(infra.bootstrapServers(), topic, deliveryId);
    }

    @Test
    void aFailingWebhookHoldsDeliveriesBackNoLongerThanItsRetrySchedule() {
        receiver.respond("/down", 500, Duration.ZERO);
        Webhook down = webhook(receiver.url("/down"), WebhookSecrets.generate(), null);
        down.setRetryDelaysMs(List.of(200L));
        store(down);

        // Three failures open the circuit for 5 s; the retries, due 200 ms later, are held back until it closes.
        List<Delivery> sent = java.util.stream.IntStream.range(0, 3).mapToObj(i -> deliver(down, "{\"n\":" + i + "}"))
                .toList();

        List<DeadLetter> heldTooLong = sent.stream().map(d -> deadLetters.await(d.getId()))
                .filter(letter -> letter.getReason().startsWith("held back")).toList();
        assertThat(heldTooLong).as("all but the one that may go as the half-open trial").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(letter -> {
                    assertThat(letter.getReason()).matches("held back unsent for \\d+ s while the webhook was "
                            + "failing \\((circuit open after \\d+ consecutive failures|circuit half-open, trial under "
                            + "way)\\); its retry schedule spans 200ms");
                    assertThat(letter.getDelivery().getPreviousAttempts()).extracting(a -> a.getAttempt() + ":"
                            + a.getOutcome()).containsExactly("1:FAILED", "2:SKIPPED");
                    DeliveryAttempt skipped = attempts.awaitAll(letter.getDelivery().getId(), 2).get(1);
                    assertThat(skipped.getOutcome()).isEqualTo(AttemptOutcome.SKIPPED);
                    assertThat(skipped.getError()).isEqualTo(letter.getReason());
                });
        assertThat(receiver.requests("/down")).as("the first attempts and at most one trial").hasSizeBetween(3, 4);
    }

    @Test
    void honoursRetryAfter() {
        receiver.script("/busy", new Reply(429, Map.of("Retry-After", "2")), Reply.of(200));
        Webhook busy = webhook(receiver.url("/busy"), WebhookSecrets.generate(), null);
        busy.setRetryDelaysMs(List.of(100L));
        store(busy);

        Delivery delivery = deliver(busy, "{}");

        List<DeliveryAttempt> tries = attempts.awaitAll(delivery.getId(), 2);
        assertThat(tries.get(1).getOutcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
        assertThat(Duration.between(tries.get(0).getStartedAt(), tries.get(0).getNextAttemptAt()))
                .isBetween(Duration.ofMillis(1_900), Duration.ofMillis(2_100));
        List<ReceivedRequest> requests = receiver.requests("/busy");
        assertThat(Duration.between(requests.get(0).receivedAt(), requests.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1_800));
    }

    @Test
    void aBlackHoledEndpointWithABacklogBeyondTheWholeInFlightBudgetDoesNotDelayHealthyOnes() {
        try (MisbehavingServer blackHole = new MisbehavingServer(MisbehavingServer.Behaviour.BLACK_HOLE)) {
            Webhook dead = webhook(blackHole.url(), WebhookSecrets.generate(), 3_000);
            List<Webhook> healthy = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                healthy.add(webhook(receiver.url("/healthy-" + i), WebhookSecrets.generate(), null));
            }
            store(dead);
            healthy.forEach(DelivererIT::store);

            // 100 deliveries for the dead endpoint (more than the 64 in flight this deliverer allows in all),
            // interleaved with 40 for healthy ones.
            Map<String, Instant> sentAt = new ConcurrentHashMap<>();
            for (int i = 0; i < 100; i++) {
                deliverQuietly(dead, "{\"n\":" + i + "}");
                if (i % 10 == 0) {
                    deliveries.flush();
                }
                if (i % 10 < 4) {
                    Delivery toHealthy = deliverQuietly(healthy.get(i % 10), "{\"n\":" + i + "}");
                    sentAt.put(toHealthy.getId(), Instant.now());
                }
            }
            deliveries.flush();

            List<ReceivedRequest> received = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> java.util.stream.IntStream.range(0, 4)
                            .mapToObj(i -> receiver.requests("/healthy-" + i)).flatMap(List::stream).toList(),
                            list -> list.size() >= 40);
            Duration worst = received.stream()
                    .map(r -> Duration.between(sentAt.get(r.header("webhook-id")), r.receivedAt()))
                    .max(Duration::compareTo).orElseThrow();
            // Without isolation the dead endpoint would hold every slot for its 3 s timeout.
            assertThat(worst).as("slowest healthy delivery").isLessThan(Duration.ofMillis(2_500));
            assertThat(blackHole.connections()).as("in-flight limit per webhook").isLessThanOrEqualTo(8);
        }
    }

    @Test
    void blackHoledEndpointsHoldingMostOfTheInFlightBudgetDoNotStallHealthyOnes() {
        List<MisbehavingServer> blackHoles = new java.util.ArrayList<>();
        try {
            // Three dead endpoints, each allowed 8 in flight and 8 waiting: 48 of the 64 slots, held for 3 s.
            List<Webhook> dead = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MisbehavingServer blackHole = new MisbehavingServer(MisbehavingServer.Behaviour.BLACK_HOLE);
                blackHoles.add(blackHole);
                dead.add(webhook(blackHole.url(), WebhookSecrets.generate(), 3_000));
            }
            Webhook healthy = webhook(receiver.url("/healthy-beside-holes"), WebhookSecrets.generate(), null);
            dead.forEach(DelivererIT::store);
            store(healthy);
            for (int i = 0; i < 60; i++) {
                deliverQuietly(dead.get(i % 3), "{\"n\":" + i + "}");
            }
            deliveries.flush();
            Map<String, Instant> sentAt = new ConcurrentHashMap<>();
            for (int i = 0; i < 20; i++) {
                Delivery toHealthy = deliverQuietly(healthy, "{\"n\":" + i + "}");
                sentAt.put(toHealthy.getId(), Instant.now());
            }
            deliveries.flush();

            List<ReceivedRequest> received = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> receiver.requests("/healthy-beside-holes"), list -> list.size() >= 20);
            Duration worst = received.stream()
                    .map(r -> Duration.between(sentAt.get(r.header("webhook-id")), r.receivedAt()))
                    .max(Duration::compareTo).orElseThrow();
            // Polling that waited for half the budget to free up would hold these until the 3 s timeouts.
            assertThat(worst).as("slowest healthy delivery").isLessThan(Duration.ofMillis(2_500));
        } finally {
            blackHoles.forEach(MisbehavingServer::close);
        }
    }

    private static Delivery deliverQuietly(Webhook webhook, String body) {
        String eventId = HeraldIds.newEventId();
        Delivery delivery = Delivery.newBuilder()
                .setId(HeraldIds.deliveryId(eventId, webhook.getId()))
                .setTenant(webhook.getTenant()).setWebhookId(webhook.getId()).setWebhookVersion(webhook.getVersion())
                .setEventId(eventId).setEventType("user.created")
                .setEventTimestamp(Instant.now()).setRoutedAt(Instant.now())
                .setBody(body)
                .build();
        deliveries.send(new ProducerRecord<>(Topics.DELIVERIES, webhook.getId(), delivery));
        return delivery;
    }

    @Test
    void usesAtLeastTheWebhookVersionTheRouterMatched() {
        Webhook v1 = webhook(receiver.url("/versioned"), WebhookSecrets.generate(), null);
        String rotatedSecret = WebhookSecrets.generate();
        Webhook v2 = Webhook.newBuilder(v1).setVersion(2)
                .setSigningSecrets(List.of(CIPHER.encrypt(rotatedSecret, v1.getId()))).build();
        store(v1);
        store(v2);

        Delivery delivery = deliver(v2, "{\"v\":2}");

        assertThat(attempts.await(delivery.getId()).getOutcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
        ReceivedRequest request = receiver.requests("/versioned").get(0);
        new io.herald.signatures.WebhookVerifier(rotatedSecret).verify(request.body(), request.headers());
    }

    @Test
    void refusesForbiddenDestinationsAndSurvivesHostileEndpoints() {
        try (MisbehavingServer endless = new MisbehavingServer(MisbehavingServer.Behaviour.ENDLESS_BODY);
             MisbehavingServer drip = new MisbehavingServer(MisbehavingServer.Behaviour.DRIP_HEADERS);
             MisbehavingServer redirect = new MisbehavingServer(MisbehavingServer.Behaviour.REDIRECT_TO_METADATA)) {
            Webhook metadata = webhook("http://169.254.169.254/latest/meta-data/", WebhookSecrets.generate(), null);
            Webhook endlessBody = webhook(endless.url(), WebhookSecrets.generate(), 3_000);
            Webhook dripHeaders = webhook(drip.url(), WebhookSecrets.generate(), 1_500);
            Webhook redirecting = webhook(redirect.url(), WebhookSecrets.generate(), null);
            Webhook healthy = webhook(receiver.url("/healthy-too"), WebhookSecrets.generate(), null);
            store(metadata, endlessBody, dripHeaders, redirecting, healthy);

            Delivery toMetadata = deliver(metadata, "{}");
            Delivery toEndless = deliver(endlessBody, "{}");
            Delivery toDrip = deliver(dripHeaders, "{}");
            Delivery toRedirect = deliver(redirecting, "{}");
            Delivery toHealthy = deliver(healthy, "{}");

            assertThat(attempts.await(toMetadata.getId())).satisfies(a -> {
                assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.REFUSED);
                assertThat(a.getError()).isEqualTo("169.254.169.254 is a link-local address (cloud metadata lives here)");
            });
            // The status line arrived: the endpoint acknowledged. Its body is read up to 64 KiB, then dropped.
            assertThat(attempts.await(toEndless.getId())).satisfies(a -> {
                assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
                assertThat(a.getHttpStatus()).isEqualTo(200);
                assertThat(a.getResponseExcerpt()).hasSize(WebhookSender.RESPONSE_EXCERPT_BYTES).matches("x+");
                assertThat(a.getLatencyMs()).isLessThan(3_000L);
            });
            assertThat(attempts.await(toDrip.getId())).satisfies(a -> {
                assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.FAILED);
                assertThat(a.getError()).isEqualTo("timed out after 1500 ms");
            });
            assertThat(attempts.await(toRedirect.getId())).satisfies(a -> {
                assertThat(a.getOutcome()).isEqualTo(AttemptOutcome.FAILED);
                assertThat(a.getHttpStatus()).isEqualTo(302);
                assertThat(a.getError()).isEqualTo("endpoint answered HTTP 302");
            });
            assertThat(attempts.await(toHealthy.getId()).getOutcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
            assertThat(redirect.connections()).as("the redirect was not followed").isEqualTo(1);
        }
    }

    private static Webhook webhook(String url, String secret, Integer timeoutMs) {
        Webhook webhook = TestWebhooks.webhook(TENANT, url, secret, CIPHER);
        webhook.setTimeoutMs(timeoutMs);
        return webhook;
    }

    private static void store(Webhook... webhooks) {
        for (Webhook webhook : webhooks) {
            webhookProducer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS,
                    WebhookKeys.of(webhook.getTenant(), webhook.getId()), webhook));
        }
        webhookProducer.flush();
    }

    private static Delivery deliver(Webhook webhook, String body) {
        return deliver(webhook, body, null);
    }

    private static Delivery deliver(Webhook webhook, String body, String traceparent) {
        Delivery delivery = TestWebhooks.delivery(webhook, body);
        ProducerRecord<String, Delivery> record = new ProducerRecord<>(Topics.DELIVERIES, webhook.getId(), delivery);
        if (traceparent != null) {
            record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        deliveries.send(record);
        deliveries.flush();
        return delivery;
    }

    private static int closedPort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort(); // closed again at once: connections are refused
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] hmac(byte[] key, String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads herald.deliveries.dlq in the background, indexed by delivery id. */
    private static final class DeadLetterCollector implements AutoCloseable {

        private final Map<String, DeadLetter> byDelivery = new ConcurrentHashMap<>();
        private final TopicTail tail;

        DeadLetterCollector(HeraldInfrastructure infra) {
            tail = TopicTail.<DeadLetter>fromStart(infra, Topics.DEAD_LETTERS,
                    r -> byDelivery.put(r.value().getDelivery().getId(), r.value()));
        }

        DeadLetter find(String deliveryId) {
            return byDelivery.get(deliveryId);
        }

        DeadLetter await(String deliveryId) {
            return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> byDelivery.get(deliveryId), letter -> letter != null);
        }

        @Override
        public void close() {
            tail.close();
        }
    }

    /** Reads herald.attempts in the background, indexed by delivery id. */
    private static final class AttemptCollector implements AutoCloseable {

        private final Map<String, List<DeliveryAttempt>> byDelivery = new ConcurrentHashMap<>();
        private final TopicTail tail;

        AttemptCollector(HeraldInfrastructure infra) {
            tail = TopicTail.<DeliveryAttempt>fromStart(infra, Topics.ATTEMPTS, r -> byDelivery
                    .computeIfAbsent(r.value().getDeliveryId(), id -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(r.value()));
        }

        /** The first attempt of a delivery. */
        DeliveryAttempt await(String deliveryId) {
            return awaitAll(deliveryId, 1).get(0);
        }

        /** The first {@code count} attempts of a delivery, in attempt order. */
        List<DeliveryAttempt> awaitAll(String deliveryId, int count) {
            return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> byDelivery.getOrDefault(deliveryId, List.of()), list -> list.size() >= count)
                    .stream().sorted(java.util.Comparator.comparingInt(DeliveryAttempt::getAttempt)).limit(count)
                    .toList();
        }

        @Override
        public void close() {
            tail.close();
        }
    }
}
