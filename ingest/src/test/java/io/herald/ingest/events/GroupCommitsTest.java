package io.herald.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.runtime.kafka.TransactionalProducer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The grouping of concurrent requests into transactions, against Kafka's own mock producer (what a broker makes of the
 * transactions is {@code HttpIngestIT}'s to show).
 */
class GroupCommitsTest {

    private final MockProducer<String, String> kafka = new MockProducer<>(true, null, new StringSerializer(),
            new StringSerializer());
    private final List<Integer> groupSizes = new CopyOnWriteArrayList<>();
    private final GroupCommits<String, String, String> commits = new GroupCommits<>("test-commits",
            TransactionalProducer.start("test", () -> kafka), groupSizes::add);

    @AfterEach
    void close() {
        commits.close();
    }

    /** A batch of one record whose result is its value once acknowledged. */
    private static GroupCommits.Batch<String, String, String> record(String value) {
        return transaction -> {
            var sent = transaction.send(new ProducerRecord<>("iam.auth", value, value));
            return acknowledged -> sent.get().topic() + ":" + value;
        };
    }

    @Test
    void aLoneRequestIsCommittedAtOnceInItsOwnTransaction() {
        assertThat(commits.commit(record("a"))).isEqualTo("iam.auth:a");

        assertThat(kafka.commitCount()).isEqualTo(1);
        assertThat(kafka.history()).extracting(ProducerRecord::value).containsExactly("a");
        assertThat(groupSizes).containsExactly(1);
    }

    @Test
    void requestsThatArriveWhileATransactionCommitsShareTheNextOne() throws Exception {
        CountDownLatch letFirstFinish = new CountDownLatch(1);
        CompletableFuture<String> first = committing("first", letFirstFinish);
        List<CompletableFuture<String>> queued = List.of("b", "c", "d").stream()
                .map(value -> CompletableFuture.supplyAsync(() -> commits.commit(record(value)))).toList();
        awaitQueued(3);
        letFirstFinish.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(queued).allSatisfy(result -> assertThat(result.get(10, TimeUnit.SECONDS)).startsWith("iam.auth:"));
        assertThat(kafka.commitCount()).as("one transaction for the first, one for the three queued behind it")
                .isEqualTo(2);
        assertThat(groupSizes).containsExactly(1, 3);
        assertThat(kafka.history()).extracting(ProducerRecord::value).containsExactlyInAnyOrder("first", "b", "c",
                "d");
    }

    @Test
    void aRequestRejectedOnItsOwnAccountFailsAloneAndTheOthersAreCommittedWithoutIt() throws Exception {
        CountDownLatch letFirstFinish = new CountDownLatch(1);
        CompletableFuture<String> first = committing(null, letFirstFinish);
        CompletableFuture<String> before = CompletableFuture.supplyAsync(() -> commits.commit(record("before")));
        awaitQueued(1);
        CompletableFuture<String> tooLarge = CompletableFuture.supplyAsync(() -> commits.commit(transaction -> {
            transaction.send(new ProducerRecord<>("iam.auth", "huge", "huge"));
            return acknowledged -> {
                throw new GroupCommits.Rejected(new EventTooLargeException("evt_huge", null));
            };
        }));
        awaitQueued(2);
        CompletableFuture<String> after = CompletableFuture.supplyAsync(() -> commits.commit(record("after")));
        awaitQueued(3);
        letFirstFinish.countDown();

        assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo("iam.auth:before");
        assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("iam.auth:after");
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThatThrownBy(() -> tooLarge.join()).hasCauseInstanceOf(EventTooLargeException.class);
        assertThat(kafka.history()).extracting(ProducerRecord::value).as("the rejected request's record was aborted")
                .containsExactlyInAnyOrder("before", "after");
        assertThat(groupSizes).containsExactly(1, 2);
    }

    @Test
    void aTransactionKafkaFailsFailsEveryRequestInIt() throws Exception {
        CountDownLatch letFirstFinish = new CountDownLatch(1);
        CompletableFuture<String> first = committing(null, letFirstFinish);
        CompletableFuture<String> healthy = CompletableFuture.supplyAsync(() -> commits.commit(record("b")));
        awaitQueued(1);
        CompletableFuture<String> unacknowledged = CompletableFuture.supplyAsync(() -> commits.commit(transaction -> {
            transaction.send(new ProducerRecord<>("iam.auth", "c", "c"));
            return acknowledged -> {
                throw new KafkaException("the broker is gone");
            };
        }));
        awaitQueued(2);
        letFirstFinish.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThatThrownBy(unacknowledged::join).hasRootCauseMessage("the broker is gone");
        assertThatThrownBy(healthy::join).as("not its fault, but its transaction's: post it again")
                .hasRootCauseMessage("the broker is gone");
        assertThat(kafka.history()).isEmpty();
        assertThat(groupSizes).containsExactly(1);
    }

    @Test
    void aGroupThatKafkaRefusesFailsAsAWhole() throws Exception {
        kafka.commitTransactionException = new KafkaException("the broker is gone");
        CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> commits.commit(record("a")));

        assertThatThrownBy(a::join).hasRootCauseMessage("the broker is gone");
        assertThat(kafka.history()).isEmpty();
        assertThat(groupSizes).isEmpty();
        kafka.commitTransactionException = null;
        assertThat(commits.commit(record("b"))).as("the next transaction starts clean").isEqualTo("iam.auth:b");
    }

    @Test
    void aClosedCommitterRefusesWithAnAnswerToTryAgain() {
        commits.close();

        assertThatThrownBy(() -> commits.commit(record("late"))).isInstanceOf(IntakeUnavailableException.class)
                .hasMessageContaining("post it again");
    }

    /**
     * A request (of one record, unless {@code value} is null) whose transaction is open, its records sent, until
     * {@code letFinish} opens: the requests that come meanwhile queue behind it.
     */
    private CompletableFuture<String> committing(String value, CountDownLatch letFinish) throws InterruptedException {
        CountDownLatch sending = new CountDownLatch(1);
        CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> commits.commit(transaction -> {
            if (value != null) {
                transaction.send(new ProducerRecord<>("iam.auth", value, value));
            }
            sending.countDown();
            letFinish.await();
            return acknowledged -> "first";
        }));
        assertThat(sending.await(10, TimeUnit.SECONDS)).isTrue();
        return result;
    }

    /** Until this many requests wait for the committer (it is busy with the first). */
    private void awaitQueued(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (commits.queued() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + commits.queued() + " requests queued");
            }
            Thread.sleep(5);
        }
    }
}
