package io.herald.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.runtime.kafka.KafkaClients;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Claims decide who publishes an id the same way on every instance, and a released claim frees the id. */
@ExtendWith(HeraldInfrastructureExtension.class)
class EventClaimsIT {

    @Test
    void theFirstClaimWinsEverywhereAndAReleasedIdGoesToTheNextClaim(HeraldInfrastructure infra) throws Exception {
        KafkaClients kafka = KafkaClients.of(infra.bootstrapServers());
        try (EventClaims a = new EventClaims(kafka, Clock.systemUTC(), Duration.ofSeconds(30));
                EventClaims b = new EventClaims(kafka, Clock.systemUTC(), Duration.ofSeconds(30))) {
            EventClaims.Decision first = a.claim(List.of("acme:evt_claim_1", "acme:evt_claim_2"));
            EventClaims.Decision second = b.claim(List.of("acme:evt_claim_2", "acme:evt_claim_3"));

            assertThat(first.won()).containsExactlyInAnyOrder("acme:evt_claim_1", "acme:evt_claim_2");
            assertThat(second.won()).containsExactly("acme:evt_claim_3");
            assertThat(second.lost()).containsExactly("acme:evt_claim_2");
            assertThat(a.claim(List.of("acme:evt_claim_3")).lost()).as("a's view agrees: b holds it")
                    .containsExactly("acme:evt_claim_3");
            assertThat(b.releasedSinceWon("acme:evt_claim_2")).isFalse();

            a.release(first.token(), Set.of("acme:evt_claim_2"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!b.releasedSinceWon("acme:evt_claim_2") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(b.releasedSinceWon("acme:evt_claim_2")).as("b hears of the release").isTrue();
            assertThat(b.claim(List.of("acme:evt_claim_2")).won()).containsExactly("acme:evt_claim_2");
            assertThat(b.releasedSinceWon("acme:evt_claim_2")).isFalse();
        }
    }

    @Test
    void anInstanceStartedLaterKnowsTheClaimsMadeBeforeIt(HeraldInfrastructure infra) {
        KafkaClients kafka = KafkaClients.of(infra.bootstrapServers());
        try (EventClaims early = new EventClaims(kafka, Clock.systemUTC(), Duration.ofSeconds(30))) {
            assertThat(early.claim(List.of("acme:evt_claim_late")).won()).hasSize(1);
            try (EventClaims late = new EventClaims(kafka, Clock.systemUTC(), Duration.ofSeconds(30))) {
                assertThat(late.claim(List.of("acme:evt_claim_late")).lost()).containsExactly("acme:evt_claim_late");
            }
        }
    }
}
