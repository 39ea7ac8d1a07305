package io.herald.deliverer;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.delivery.Delivery;
import io.herald.signatures.WebhookKeyPairs;
import io.herald.signatures.WebhookSecrets;
import io.herald.signatures.WebhookVerifier;
import io.micronaut.http.MutableHttpRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookRequestsTest {

    private static final String SECRET = WebhookSecrets.generate();
    private static final Delivery DELIVERY = Delivery.newBuilder()
            .setId("msg_1").setTenant("acme").setWebhookId("wh_1").setEventId("evt_1").setEventType("user.created")
            .setEventTimestamp(Instant.EPOCH).setRoutedAt(Instant.EPOCH).setAttempt(1)
            .setBody("{\"id\":\"evt_1\"}")
            .build();

    @Test
    void signsTheExactBodyVerifiablyAndAddsEventHeaders() {
        MutableHttpRequest<String> request = WebhookRequests.build(target(Map.of(), Optional.empty()), DELIVERY,
                Instant.now());

        assertThat(request.getBody(String.class)).contains(DELIVERY.getBody());
        assertThat(request.getUri().toString()).isEqualTo("https://hooks.example.com/in");
        Map<String, String> headers = headers(request);
        new WebhookVerifier(SECRET).verify(DELIVERY.getBody(), headers);
        assertThat(headers).containsEntry("webhook-id", "msg_1").containsEntry("x-herald-event", "user.created")
                .containsEntry("x-herald-attempt", "1").containsEntry("user-agent", WebhookRequests.USER_AGENT);
    }

    @Test
    void customHeadersCannotReplaceSignatureAuthOrFraming() {
        Map<String, String> custom = Map.of("X-Tenant-Ref", "42", "Webhook-Signature", "v1,forged",
                "authorization", "Basic forged", "Content-Type", "text/plain", "X-Herald-Event", "admin.pwned");
        MutableHttpRequest<String> request = WebhookRequests.build(target(custom, Optional.of("Bearer real")),
                DELIVERY, Instant.now());

        Map<String, String> headers = headers(request);
        assertThat(headers).containsEntry("x-tenant-ref", "42").containsEntry("authorization", "Bearer real")
                .containsEntry("x-herald-event", "user.created");
        assertThat(headers.get("webhook-signature")).doesNotContain("forged");
        assertThat(headers.get("content-type")).startsWith("application/json");
        assertThat(request.getHeaders().getAll("Authorization")).hasSize(1);
    }

    @Test
    void addsAnEd25519SignatureWhenTheWebhookHasAKeyAndCanDropTheHeraldSignature() {
        WebhookKeyPairs.Keys keys = WebhookKeyPairs.generate();
        WebhookTarget target = new WebhookTarget("wh_1", "acme", "https://hooks.example.com/in", true, null, List.of(SECRET), List.of(),
                Optional.of(keys.secretKey()), false, Optional.empty(), Map.of(), Optional.empty(), List.of(), Optional.empty(), 1,
                Optional.empty());

        Map<String, String> headers = headers(WebhookRequests.build(target, DELIVERY, Instant.now()));

        assertThat(headers.get("webhook-signature")).matches("v1,\\S+ v1a,\\S+");
        new WebhookVerifier(SECRET).verify(DELIVERY.getBody(), headers);
        new WebhookVerifier(keys.publicKey()).verify(DELIVERY.getBody(), headers);
        assertThat(headers).doesNotContainKey("x-herald-signature");
    }

    private static WebhookTarget target(Map<String, String> headers, Optional<String> authorization) {
        return new WebhookTarget("wh_1", "acme", "https://hooks.example.com/in", true, null, List.of(SECRET), List.of(),
                Optional.empty(), true, authorization, headers, Optional.empty(), List.of(), Optional.empty(), 1, Optional.empty());
    }

    private static Map<String, String> headers(MutableHttpRequest<?> request) {
        Map<String, String> headers = new HashMap<>();
        request.getHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
        return headers;
    }
}
