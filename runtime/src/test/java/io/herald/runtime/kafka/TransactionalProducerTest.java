package io.herald.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TransactionalProducerTest {

    private final List<MockProducer<String, String>> created = new ArrayList<>();
    private final AtomicInteger failingInits = new AtomicInteger();

    private MockProducer<String, String> newProducer() {
        MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(),
                new StringSerializer());
        if (failingInits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            producer.initTransactionException = new TimeoutException("no broker");
        }
        created.add(producer);
        return producer;
    }

    private TransactionalProducer<String, String> start() {
        return TransactionalProducer.start("test-tx", this::newProducer);
    }

    @Test
    void commitsWhatTheWorkSends() {
        try (TransactionalProducer<String, String> transactional = start()) {
            String result = transactional.inTransaction(producer -> {
                producer.send(new ProducerRecord<>("t", "k", "v"));
                return "done";
            });

            assertThat(result).isEqualTo("done");
            assertThat(created.get(0).transactionCommitted()).isTrue();
            assertThat(created.get(0).history()).hasSize(1);
        }
    }

    @Test
    void abortsWhenTheWorkFailsWithAnyExceptionAndTheNextTransactionWorks() {
        try (TransactionalProducer<String, String> transactional = start()) {
            assertThatThrownBy(() -> transactional.inTransaction(producer -> {
                producer.send(new ProducerRecord<>("t", "k", "lost"));
                return Math.multiplyExact(Long.MAX_VALUE, 2); // not a Kafka failure: the bug that broke ingest
            })).isInstanceOf(ArithmeticException.class);

            MockProducer<String, String> producer = created.get(0);
            assertThat(producer.transactionAborted()).isTrue();
            assertThat(producer.transactionInFlight()).isFalse();
            assertThat(transactional.ready()).isTrue();

            transactional.inTransaction(p -> p.send(new ProducerRecord<>("t", "k", "kept")));
            assertThat(producer.transactionCommitted()).isTrue();
            assertThat(producer.history()).extracting(ProducerRecord::value).containsExactly("kept");
            assertThat(created).hasSize(1); // an abort that works keeps the producer
        }
    }

    @Test
    void givesTheCauseOfAFailedSendAndTranslatesCheckedFailures() {
        try (TransactionalProducer<String, String> transactional = start()) {
            assertThatThrownBy(() -> transactional.inTransaction(producer -> {
                CompletableFuture<Void> failed = CompletableFuture.failedFuture(new RecordTooLargeException("big"));
                return failed.get();
            })).isInstanceOf(RecordTooLargeException.class);
            assertThatThrownBy(() -> transactional.inTransaction(producer -> {
                throw new java.util.concurrent.TimeoutException("slow");
            })).isInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> transactional.inTransaction(producer -> {
                throw new ExecutionException(new Exception("checked cause"));
            })).isInstanceOf(KafkaException.class);
            assertThat(created.get(0).transactionInFlight()).isFalse();
        }
    }

    @Test
    void replacesAFencedProducerSoTheNextTransactionWorks() {
        try (TransactionalProducer<String, String> transactional = start()) {
            created.get(0).fenceProducer();

            assertThatThrownBy(() -> transactional.inTransaction(p -> p.send(new ProducerRecord<>("t", "k", "v"))))
                    .isInstanceOf(ProducerFencedException.class);
            assertThat(created.get(0).closed()).isTrue();

            transactional.inTransaction(p -> p.send(new ProducerRecord<>("t", "k", "after")));
            assertThat(created).hasSize(2);
            assertThat(created.get(1).transactionCommitted()).isTrue();
            assertThat(created.get(1).history()).extracting(ProducerRecord::value).containsExactly("after");
        }
    }

    @Test
    void aProducerThatCannotAbortIsReplacedInTheBackgroundAndIsNotReadyMeanwhile() {
        try (TransactionalProducer<String, String> transactional = start()) {
            created.get(0).abortTransactionException = new KafkaException("fatal state");
            failingInits.set(2); // the broker is away for the first two replacement attempts

            assertThatThrownBy(() -> transactional.inTransaction(p -> {
                throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom");

            assertThat(transactional.ready()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(transactional::ready);
            assertThat(created).hasSize(4); // the first, two that failed to initialise, the replacement
            assertThat(created.get(1).closed()).isTrue();
            transactional.inTransaction(p -> p.send(new ProducerRecord<>("t", "k", "v")));
            assertThat(created.get(3).transactionCommitted()).isTrue();
        }
    }

    @Test
    void aTransactionWhileNoProducerIsReadyTriesToInitialiseOneAndFailsAsKafkaWhenItCannot() {
        try (TransactionalProducer<String, String> transactional = start()) {
            created.get(0).fenceProducer();
            failingInits.set(1_000); // Kafka stays away
            assertThatThrownBy(() -> transactional.inTransaction(p -> null))
                    .isInstanceOf(ProducerFencedException.class);

            assertThatThrownBy(() -> transactional.inTransaction(p -> null)).isInstanceOf(TimeoutException.class);
            assertThat(transactional.ready()).isFalse();
        }
    }

    @Test
    void closeClosesTheProducerAndLaterTransactionsAreRefused() {
        TransactionalProducer<String, String> transactional = start();
        transactional.close();

        assertThat(created.get(0).closed()).isTrue();
        assertThat(transactional.ready()).isFalse();
        assertThatThrownBy(() -> transactional.inTransaction(p -> null)).isInstanceOf(IllegalStateException.class);
    }
}
