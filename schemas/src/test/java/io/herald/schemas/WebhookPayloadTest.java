package io.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.schemas.data.TokenIssued;
import io.herald.schemas.event.IamEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookPayloadTest {

    @Test
    void rendersTheDocumentedBodyWithEveryDataFieldInSchemaOrder() {
        IamEvent event = IamEvent.newBuilder()
                .setId("evt_01").setType("auth.login.success").setTenant("acme")
                .setTimestamp(Instant.parse("2026-03-04T05:06:07.089Z"))
                .setData(AuthLoginSucceeded.newBuilder().setUserId("usr_1").setEmail("ada@example.com")
                        .setMethod("passkey").setMfaUsed(true).build())
                .build();

        assertThat(WebhookPayload.render(event)).isEqualTo("{\"id\":\"evt_01\",\"type\":\"auth.login.success\","
                + "\"timestamp\":\"2026-03-04T05:06:07.089Z\",\"tenant\":\"acme\",\"data\":{\"userId\":\"usr_1\","
                + "\"email\":\"ada@example.com\",\"ipAddress\":null,\"userAgent\":null,\"method\":\"passkey\","
                + "\"sessionId\":null,\"mfaUsed\":true}}");
    }

    @Test
    void rendersArraysAndTimestampsInsideData() {
        IamEvent event = IamEvent.newBuilder()
                .setId("evt_02").setType("token.issued").setTenant("acme")
                .setTimestamp(Instant.parse("2026-03-04T05:06:07Z"))
                .setData(TokenIssued.newBuilder().setTokenId("jti_1").setClientId("app_1")
                        .setTokenType("access_token").setGrantType("client_credentials")
                        .setScopes(List.of("read:users", "write:users"))
                        .setExpiresAt(Instant.parse("2026-03-04T06:06:07Z")).build())
                .build();

        assertThat(WebhookPayload.render(event)).contains(
                "\"userId\":null", "\"scopes\":[\"read:users\",\"write:users\"]",
                "\"expiresAt\":\"2026-03-04T06:06:07Z\"");
    }

    @Test
    void escapesTextSoTheBodyStaysValidJson() {
        IamEvent event = IamEvents.of("acme", AuthLoginSucceeded.newBuilder().setUserId("usr_\"1\"\n")
                .setMethod("password").setUserAgent("Agent/1.0 \\ <script>").build());

        assertThat(WebhookPayload.render(event)).contains("\"userId\":\"usr_\\\"1\\\"\\n\"",
                "\"userAgent\":\"Agent/1.0 \\\\ <script>\"");
    }
}
