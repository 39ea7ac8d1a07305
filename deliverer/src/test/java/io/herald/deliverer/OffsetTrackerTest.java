package io.herald.deliverer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("herald.deliveries", 0);
    private static final TopicPartition P1 = new TopicPartition("herald.deliveries", 1);

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commitsOnlyBelowTheLowestUnfinishedOffset() {
        tracker.started(P0, 10);
        tracker.started(P0, 11);
        tracker.started(P0, 12);
        tracker.finished(P0, 11);
        tracker.finished(P0, 12);

        assertThat(tracker.takeCommittable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(10)));

        tracker.finished(P0, 10);
        assertThat(tracker.takeCommittable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(13)));
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void reportsOnlyOffsetsThatMovedAndKeepsPartitionsApart() {
        tracker.started(P0, 0);
        tracker.started(P1, 5);
        tracker.finished(P1, 5);

        assertThat(tracker.takeCommittable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(0), P1, new OffsetAndMetadata(6)));
        assertThat(tracker.takeCommittable()).isEmpty();
        tracker.finished(P0, 0);
        assertThat(tracker.takeCommittable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
    }

    @Test
    void forgetsRevokedPartitionsAndIgnoresTheirLateCompletions() {
        tracker.started(P0, 1);
        tracker.started(P1, 1);
        tracker.forget(List.of(P0));

        assertThat(tracker.inFlight()).isEqualTo(1);
        tracker.finished(P0, 1);
        assertThat(tracker.inFlight()).isEqualTo(1);
        assertThat(tracker.takeCommittable()).containsOnlyKeys(P1);
    }

    @Test
    void aFailedCommitIsOfferedAgainAndNothingCountsAsCommittedBeforeTheBrokerSaysSo() {
        tracker.started(P0, 0);
        tracker.finished(P0, 0);
        Map<TopicPartition, OffsetAndMetadata> first = tracker.takeCommittable();
        assertThat(first).isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
        assertThat(tracker.takeCommittable()).as("sent, awaiting the broker").isEmpty();

        tracker.commitFailed(first);
        assertThat(tracker.takeCommittable()).as("offered again").isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
        assertThat(tracker.takeUnconfirmed()).as("not confirmed: the final commit covers it")
                .isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));

        tracker.commitSucceeded(Map.of(P0, new OffsetAndMetadata(1)));
        assertThat(tracker.takeUnconfirmed()).isEmpty();
        assertThat(tracker.takeCommittable()).isEmpty();
    }

    @Test
    void aLateCallbackOfARevokedPartitionConfirmsNothingForItsNextOwnership() {
        tracker.started(P0, 4);
        tracker.finished(P0, 4);
        Map<TopicPartition, OffsetAndMetadata> sent = tracker.takeCommittable();
        tracker.forget(List.of(P0));
        tracker.commitSucceeded(sent);

        tracker.started(P0, 5);
        tracker.finished(P0, 5);
        assertThat(tracker.takeUnconfirmed()).isEqualTo(Map.of(P0, new OffsetAndMetadata(6)));
    }
}
