package io.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeraldIdsTest {

    @Test
    void newIdsArePrefixedWellFormedAndUnique() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = HeraldIds.newEventId();
            assertThat(HeraldIds.isValid(HeraldIds.EVENT_PREFIX, id)).as(id).isTrue();
            ids.add(id);
        }
        assertThat(ids).hasSize(1_000);
        assertThat(HeraldIds.isValid(HeraldIds.WEBHOOK_PREFIX, HeraldIds.newWebhookId())).isTrue();
        assertThat(HeraldIds.isValid(HeraldIds.ATTEMPT_PREFIX, HeraldIds.newAttemptId())).isTrue();
    }

    @Test
    void randomIdsSortByCreationTime() throws InterruptedException {
        String first = HeraldIds.newEventId();
        Thread.sleep(2);
        String second = HeraldIds.newEventId();
        assertThat(first).isLessThan(second);
    }

    @Test
    void deliveryIdsAreDeterministicPerEventAndWebhook() {
        String id = HeraldIds.deliveryId("evt_1", "wh_a");
        assertThat(id).isEqualTo(HeraldIds.deliveryId("evt_1", "wh_a"));
        assertThat(id).isNotEqualTo(HeraldIds.deliveryId("evt_1", "wh_b"))
                .isNotEqualTo(HeraldIds.deliveryId("evt_2", "wh_a"));
        assertThat(HeraldIds.isValid(HeraldIds.DELIVERY_PREFIX, id)).isTrue();
    }

    @Test
    void rejectsMalformedIds() {
        assertThat(HeraldIds.isValid("wh_", null)).isFalse();
        assertThat(HeraldIds.isValid("wh_", "evt_06H0V4QKSYXHC012R6G7SA4R8G")).isFalse();
        assertThat(HeraldIds.isValid("wh_", "wh_short")).isFalse();
        assertThat(HeraldIds.isValid("wh_", "wh_06H0V4QKSYXHC012R6G7SA4R8U")).as("U is not Crockford").isFalse();
    }
}
