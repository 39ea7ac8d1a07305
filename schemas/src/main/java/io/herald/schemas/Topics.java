package io.herald.schemas;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every Kafka topic Herald reads or writes, defined once. The event topics and {@link #ATTEMPTS} are a public
 * interface: SIEM consumers read them directly.
 */
public final class Topics {

    /** Authentication events: auth.*. Key: tenant:subject. */
    public static final String AUTH_EVENTS = "iam.auth";
    /** User directory events: user.*, and object.* (custom objects attached to users). */
    public static final String USER_EVENTS = "iam.user";
    /** Application, token and access events: app.*, token.*, access.* (provisioning). */
    public static final String APP_EVENTS = "iam.app";
    /** Security detections: security.*. */
    public static final String SECURITY_EVENTS = "iam.security";
    /** B2B organization events: org.*. */
    public static final String ORG_EVENTS = "iam.org";
    /** Herald's own notices about tenants' webhooks: herald.* (e.g. herald.webhook.disabled). Key: tenant:webhookId. */
    public static final String HERALD_EVENTS = "iam.herald";

    /**
     * Records of the event topics that are not valid events (undecodable, unknown type, no tenant...), as they were,
     * with why and where from in headers. Key: the original key.
     */
    public static final String REJECTED_EVENTS = "iam.events.rejected";
    /** Header of a rejected event: why it was rejected. */
    public static final String REJECTED_REASON_HEADER = "herald-rejected-reason";
    /** Header of a rejected event: its original topic, partition and offset, as topic-partition@offset. */
    public static final String REJECTED_FROM_HEADER = "herald-rejected-from";

    /**
     * Receipts of the events that came in over HTTP, so an event id posted again is not published twice. Key:
     * tenant:eventId; value: "eventId type topic partition offset" (text). Internal to ingest.
     */
    public static final String EVENT_RECEIPTS = "herald.ingest.receipts";
    /**
     * Claims of the event ids that requests are about to publish over HTTP: the first live claim of an id in its
     * partition publishes it, whichever ingest instance made it. Key: tenant:eventId; value: "claim token" or
     * "release token" (text); timestamps are the broker's (LogAppendTime). Internal to ingest.
     */
    public static final String EVENT_CLAIMS = "herald.ingest.claims";

    /**
     * Tenant API keys created at runtime (hashes, never keys), compacted. Key: key id; value: {@code ApiKey}, whose
     * latest record is the key's state (a revoked key keeps its record).
     */
    public static final String API_KEYS = "herald.api-keys";

    /**
     * Replays and their progress, compacted. Key: replay id; value: {@code Replay}, written in the transaction that
     * queues its deliveries. Read by every ingest instance.
     */
    public static final String REPLAYS = "herald.replays";

    /**
     * Webhooks the router found failing, to be disabled by the ingest service (the one writer of webhooks) if still
     * at the version whose failures were counted. Key: tenant:webhookId; value: {@code WebhookDisableRequest}.
     */
    public static final String WEBHOOK_DISABLE_REQUESTS = "herald.webhook-disable-requests";

    /** Webhook definitions, compacted. Key: tenant:webhookId; a tombstone deletes the webhook. */
    public static final String SUBSCRIPTIONS = "herald.subscriptions";
    /** One record per (event, matching webhook). Key: webhook id. */
    public static final String DELIVERIES = "herald.deliveries";
    /** Outcome of every delivery attempt. Key: webhook id. */
    public static final String ATTEMPTS = "herald.attempts";
    /** Deliveries Herald gave up on, with their attempt history. Key: webhook id. */
    public static final String DEAD_LETTERS = "herald.deliveries.dlq";
    /** Prefix of the delayed-retry topics, one per tier: herald.deliveries.retry.5s, ...retry.1m, ... */
    public static final String RETRY_PREFIX = "herald.deliveries.retry.";
    /**
     * Header of a retry record, and of the delivery it is handed back as: the deliverer group whose attempt queued
     * it. Other groups pass it over, so a second group reading the same topics cannot multiply the retries.
     */
    public static final String DELIVERER_GROUP_HEADER = "herald-deliverer-group";
    /** Header of a retry record: when it is due, as epoch milliseconds in decimal text. */
    public static final String DUE_AT_HEADER = "herald-due-at";
    /**
     * Header of a delivery that a failing webhook holds back unsent (stuck, or its circuit open): since when, as
     * epoch milliseconds in decimal text. Carried from retry tier to deliveries and back until it is attempted.
     */
    public static final String HELD_SINCE_HEADER = "herald-held-since";

    /**
     * The retry tiers. A retry goes to the tier nearest its delay (by ratio), so a tier holds records of similar
     * delays, jittered ones included, and a 1-hour retry never sits in front of a 1-minute one; the due-time
     * header decides when.
     */
    public static final List<Duration> RETRY_TIERS = List.of(Duration.ofSeconds(5), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(40), Duration.ofHours(2),
            Duration.ofHours(5), Duration.ofHours(10));

    /** Every change to webhooks, secrets redacted. Key: tenant. */
    public static final String AUDIT = "herald.audit";

    /**
     * The compression of the public topics (events and attempts): gzip, the one codec every Kafka client reads without
     * a plugin (KafkaJS, for one, needs plugins for LZ4, Snappy and Zstandard), so any SIEM tool can tap them.
     */
    public static final String PUBLIC_COMPRESSION = "gzip";

    /**
     * The gzip level Herald's producers use on the public topics: the fastest. Level 6 (the codec's default) spent
     * several times the CPU to save a few percent more of these small, repetitive records.
     */
    public static final int PUBLIC_COMPRESSION_LEVEL = 1;

    /** Default partition count of the high-volume topics; it bounds how many deliverers share the work. */
    public static final int DEFAULT_PARTITIONS = 6;

    private static final Map<String, String> FAMILY_TOPICS = Map.of(
            "auth", AUTH_EVENTS,
            "user", USER_EVENTS,
            "app", APP_EVENTS,
            "token", APP_EVENTS,
            "access", APP_EVENTS,
            "object", USER_EVENTS,
            "security", SECURITY_EVENTS,
            "org", ORG_EVENTS,
            "herald", HERALD_EVENTS);

    private Topics() {
    }

    /** The retry topic for a delay: the tier nearest to it by ratio. */
    public static String retryTopicFor(Duration delay) {
        double millis = Math.max(1, delay.toMillis());
        Duration nearest = RETRY_TIERS.get(0);
        for (Duration tier : RETRY_TIERS) {
            if (Math.abs(Math.log(millis / tier.toMillis())) < Math.abs(Math.log(millis / nearest.toMillis()))) {
                nearest = tier;
            }
        }
        return retryTopic(nearest);
    }

    public static List<String> retryTopics() {
        return RETRY_TIERS.stream().map(Topics::retryTopic).toList();
    }

    private static String retryTopic(Duration tier) {
        long seconds = tier.toSeconds();
        String label = seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m"
                : seconds + "s";
        return RETRY_PREFIX + label;
    }

    /** The topics IAM events are published to, in a stable order. */
    public static List<String> eventTopics() {
        return List.of(AUTH_EVENTS, USER_EVENTS, APP_EVENTS, SECURITY_EVENTS, ORG_EVENTS, HERALD_EVENTS);
    }

    /** The topic that carries events of a family (the part of the type before the first dot). */
    public static Optional<String> topicForFamily(String family) {
        return Optional.ofNullable(FAMILY_TOPICS.get(family));
    }

    /** The full set of topics with their partitions and configs, for the topic-creation job and tests. */
    public static List<TopicSpec> all() {
        Map<String, String> events = Map.of("retention.ms", String.valueOf(Duration.ofDays(7).toMillis()));
        Map<String, String> compacted = Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0");
        Map<String, String> deliveries = Map.of("retention.ms", String.valueOf(Duration.ofDays(3).toMillis()));
        Map<String, String> attempts = Map.of("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()));
        List<TopicSpec> specs = new java.util.ArrayList<>(List.of(
                new TopicSpec(AUTH_EVENTS, DEFAULT_PARTITIONS, events),
                new TopicSpec(USER_EVENTS, DEFAULT_PARTITIONS, events),
                new TopicSpec(APP_EVENTS, DEFAULT_PARTITIONS, events),
                new TopicSpec(SECURITY_EVENTS, DEFAULT_PARTITIONS, events),
                new TopicSpec(ORG_EVENTS, DEFAULT_PARTITIONS, events),
                new TopicSpec(HERALD_EVENTS, 3, events),
                new TopicSpec(REJECTED_EVENTS, 3, Map.of("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()))),
                // Kept a day beyond the 24-hour idempotency window.
                new TopicSpec(EVENT_RECEIPTS, 3, Map.of("retention.ms", String.valueOf(Duration.ofDays(2).toMillis()))),
                // A claim holds for two minutes; an hour is plenty to read back, and segments roll so it is deleted.
                new TopicSpec(EVENT_CLAIMS, 3, Map.of("retention.ms", String.valueOf(Duration.ofHours(1).toMillis()),
                        "segment.ms", String.valueOf(Duration.ofMinutes(10).toMillis()),
                        "message.timestamp.type", "LogAppendTime")),
                new TopicSpec(SUBSCRIPTIONS, 1, compacted),
                new TopicSpec(API_KEYS, 1, compacted),
                new TopicSpec(REPLAYS, 1, compacted),
                new TopicSpec(WEBHOOK_DISABLE_REQUESTS, 3, events),
                new TopicSpec(DELIVERIES, DEFAULT_PARTITIONS, deliveries),
                new TopicSpec(ATTEMPTS, DEFAULT_PARTITIONS, attempts),
                new TopicSpec(AUDIT, 3, Map.of("retention.ms", String.valueOf(Duration.ofDays(400).toMillis()))),
                new TopicSpec(DEAD_LETTERS, DEFAULT_PARTITIONS,
                        Map.of("retention.ms", String.valueOf(Duration.ofDays(30).toMillis())))));
        // A retry topic keeps its records at least two days beyond the longest tier.
        retryTopics().forEach(topic -> specs.add(new TopicSpec(topic, DEFAULT_PARTITIONS,
                Map.of("retention.ms", String.valueOf(Duration.ofDays(3).toMillis())))));
        return List.copyOf(specs);
    }
}
