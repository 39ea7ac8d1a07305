package io.herald.ingest.deliveries;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(HeraldInfrastructureExtension.class)
class KeyedHistoryIT {

    private static final String TOPIC = "keyed-history-it";
    private static final int PARTITIONS = 3;
    private static final long T0 = 1_790_000_000_000L;
    private static final String KEY = "wh_a";

    private static String bootstrap;
    /** A key on the same partition as {@link #KEY}, so their records interleave. */
    private static String neighbour;

    @BeforeAll
    static void writeHistory(HeraldInfrastructure infra) throws Exception {
        bootstrap = infra.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // The records carry fixed times long past: with the default 7 days of retention the broker's next
            // retention check (every 5 minutes) would delete them under the test.
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)
                    .configs(Map.of(org.apache.kafka.common.config.TopicConfig.RETENTION_MS_CONFIG, "-1")))).all()
                    .get();
        }
        neighbour = "wh_b0";
        for (int i = 1; partition(neighbour) != partition(KEY); i++) {
            neighbour = "wh_b" + i;
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(TOPIC, null, T0 + i * 1000L, KEY, "a-" + i));
                producer.send(new ProducerRecord<>(TOPIC, null, T0 + i * 1000L, neighbour, "b-" + i));
            }
            producer.send(new ProducerRecord<String, String>(TOPIC, null, T0, KEY, (String) null)); // a tombstone: no record
            producer.flush();
        }
    }

    @Test
    void pagesNewestFirstAcrossChunksWithExactCursors() {
        KeyedHistory<String> history = history(4, 1_000);
        List<List<String>> pages = new ArrayList<>();
        Long before = null;
        do {
            KeyedHistory.Page<String> page = history.newestFirst(KEY, v -> true, before, 6);
            pages.add(values(page));
            before = page.nextBefore();
        } while (before != null);

        assertThat(pages).containsExactly(
                List.of("a-19", "a-18", "a-17", "a-16", "a-15", "a-14"),
                List.of("a-13", "a-12", "a-11", "a-10", "a-9", "a-8"),
                List.of("a-7", "a-6", "a-5", "a-4", "a-3", "a-2"),
                List.of("a-1", "a-0"));
    }

    @Test
    void filtersWithoutLosingThePlace() {
        KeyedHistory<String> history = history(5, 1_000);
        KeyedHistory.Page<String> first = history.newestFirst(KEY, v -> Integer.parseInt(v.substring(2)) % 3 == 0,
                null, 3);
        KeyedHistory.Page<String> second = history.newestFirst(KEY, v -> Integer.parseInt(v.substring(2)) % 3 == 0,
                first.nextBefore(), 3);

        assertThat(values(first)).containsExactly("a-18", "a-15", "a-12");
        assertThat(values(second)).containsExactly("a-9", "a-6", "a-3");
        assertThat(history.newestFirst(neighbour, v -> true, null, 2).entries())
                .extracting(KeyedHistory.Entry::value).containsExactly("b-19", "b-18");
    }

    @Test
    void stopsAfterItsScanBudgetAndResumesFromTheCursor() {
        KeyedHistory<String> history = history(4, 8);
        KeyedHistory.Page<String> nothingYet = history.newestFirst(KEY, v -> v.equals("a-0"), null, 1);
        assertThat(nothingYet.entries()).isEmpty();
        assertThat(nothingYet.nextBefore()).isNotNull();

        Long before = nothingYet.nextBefore();
        List<String> found = new ArrayList<>();
        for (int calls = 0; before != null && found.isEmpty(); calls++) {
            assertThat(calls).as("the scan makes progress").isLessThan(10);
            KeyedHistory.Page<String> page = history.newestFirst(KEY, v -> v.equals("a-0"), before, 1);
            found.addAll(values(page));
            before = page.nextBefore();
        }
        assertThat(found).containsExactly("a-0");
    }

    @Test
    void readsEverythingSinceATimeOldestFirst() {
        KeyedHistory<String> history = history(4, 1_000);
        assertThat(history.since(KEY, T0 + 15_000, v -> true)).extracting(KeyedHistory.Entry::value)
                .containsExactly("a-15", "a-16", "a-17", "a-18", "a-19");
        assertThat(history.since(KEY, T0 + 60_000, v -> true)).isEmpty();
    }

    @Test
    void anUnknownKeyHasNoHistory() {
        KeyedHistory.Page<String> page = history(4, 1_000).newestFirst("wh_nobody", v -> true, null, 10);
        assertThat(page.entries()).isEmpty();
        assertThat(page.nextBefore()).isNull();
    }

    private static KeyedHistory<String> history(int chunk, long maxScanned) {
        return new KeyedHistory<>(io.herald.runtime.kafka.KafkaClients.of(bootstrap), TOPIC, new StringDeserializer(),
                maxScanned, chunk);
    }

    private static List<String> values(KeyedHistory.Page<String> page) {
        return page.entries().stream().map(KeyedHistory.Entry::value).toList();
    }

    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }
}
