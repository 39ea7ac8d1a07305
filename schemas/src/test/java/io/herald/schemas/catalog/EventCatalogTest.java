package io.herald.schemas.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.Topics;
import io.herald.schemas.data.SecurityBruteForce;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCatalogTest {

    private static final List<String> LUMOAUTH_TYPES = List.of(
            "auth.login.success", "auth.login.failure", "auth.logout", "auth.mfa.challenge", "auth.mfa.success",
            "auth.mfa.failure", "auth.password_reset", "user.created", "user.updated", "user.deleted",
            "user.suspended", "user.role.changed", "app.created", "app.deleted", "token.issued", "token.revoked",
            "security.brute_force", "security.impossible_travel", "security.high_risk", "security.account_lockout");

    private final EventCatalog catalog = EventCatalog.get();

    @Test
    void coversEveryLumoAuthEventType() {
        assertThat(catalog.names()).containsAll(LUMOAUTH_TYPES);
    }

    @Test
    void everyTypeHasADescriptionTypedDataAndATopicOfItsFamily() {
        for (EventType type : catalog.types()) {
            assertThat(type.description()).as(type.name()).isNotBlank();
            assertThat(type.dataFields()).as(type.name()).isNotEmpty().contains(type.subjectField());
            assertThat(Topics.eventTopics()).as(type.name()).contains(type.topic());
            assertThat(type.name()).startsWith(type.family() + ".");
        }
    }

    @Test
    void mapsFamiliesToTheirTopics() {
        assertThat(catalog.find("auth.login.success").orElseThrow().topic()).isEqualTo(Topics.AUTH_EVENTS);
        assertThat(catalog.find("user.role.changed").orElseThrow().topic()).isEqualTo(Topics.USER_EVENTS);
        assertThat(catalog.find("token.revoked").orElseThrow().topic()).isEqualTo(Topics.APP_EVENTS);
        assertThat(catalog.find("security.brute_force").orElseThrow().topic()).isEqualTo(Topics.SECURITY_EVENTS);
    }

    @Test
    void findsTheTypeOfADataRecord() {
        SecurityBruteForce data = SecurityBruteForce.newBuilder().setIpAddress("203.0.113.1").setFailedAttempts(9)
                .setWindowSeconds(60).setBlocked(false).build();
        assertThat(catalog.forData(data).orElseThrow().name()).isEqualTo("security.brute_force");
        assertThat(catalog.find("auth.login.teleported")).isEmpty();
        assertThat(catalog.find(null)).isEmpty();
    }
}
