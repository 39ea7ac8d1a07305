package io.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.schemas.data.AppCreated;
import io.herald.schemas.data.AuthLoginFailed;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.schemas.data.UserCreated;
import io.herald.schemas.event.IamEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IamEventsTest {

    private static final AuthLoginSucceeded LOGIN = AuthLoginSucceeded.newBuilder()
            .setUserId("usr_1").setMethod("password").build();

    @Test
    void theDataRecordDecidesTypeAndTopic() {
        IamEvent event = IamEvents.of("acme", LOGIN, Instant.parse("2026-01-02T03:04:05Z"));

        assertThat(event.getType()).isEqualTo("auth.login.success");
        assertThat(event.getTenant()).isEqualTo("acme");
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(HeraldIds.isValid(HeraldIds.EVENT_PREFIX, event.getId())).isTrue();
        assertThat(IamEvents.problems(event)).isEmpty();
    }

    @Test
    void keyIsTenantAndSubjectSoASubjectsEventsStayOrdered() {
        assertThat(IamEvents.key(IamEvents.of("acme", LOGIN))).isEqualTo("acme:usr_1");
        assertThat(IamEvents.key(IamEvents.of("acme", AppCreated.newBuilder().setAppId("app_9").setName("CRM")
                .setAppType("web").build()))).isEqualTo("acme:app_9");
        // A failed login for an unknown identifier has no user: the subject part is empty, the shape stays.
        assertThat(IamEvents.key(IamEvents.of("acme", AuthLoginFailed.newBuilder().setIdentifier("x@y.z")
                .setMethod("password").setReason("unknown_user").build()))).isEqualTo("acme:");
    }

    @Test
    void reportsEveryProblemOfABrokenEventAtOnce() {
        IamEvent event = IamEvents.of("acme", LOGIN);
        event.setTenant("ACME Corp");
        event.setId("");
        event.put("timestamp", null); // the typed setter refuses null; raw access does not
        event.setData(UserCreated.newBuilder().setUserId("usr_1").build());

        assertThat(IamEvents.problems(event)).containsExactly(
                "id must be 1-128 characters of letters, digits, '_', '.', ':' or '-' (got \"\")",
                "tenant must be a slug of lower-case letters, digits and '-', 1-63 characters (got \"ACME Corp\")",
                "timestamp is missing",
                "data of type auth.login.success must be a AuthLoginSucceeded, not a UserCreated");
    }

    @Test
    void refusesDataThatIsNotAnEventRecord() {
        assertThatThrownBy(() -> IamEvents.of("acme", null))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("data is missing");
    }

    @Test
    void tenantSlugsFollowDnsLabelRules() {
        assertThat(Tenants.isValid("acme")).isTrue();
        assertThat(Tenants.isValid("acme-corp-2")).isTrue();
        assertThat(Tenants.isValid("a")).isTrue();
        assertThat(Tenants.isValid("-acme")).isFalse();
        assertThat(Tenants.isValid("acme-")).isFalse();
        assertThat(Tenants.isValid("acme:evil")).isFalse();
        assertThat(Tenants.isValid("x".repeat(64))).isFalse();
        assertThat(Tenants.isValid(null)).isFalse();
    }
}
