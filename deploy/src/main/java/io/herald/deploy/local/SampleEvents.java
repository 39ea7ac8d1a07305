package io.herald.deploy.local;

import io.herald.schemas.IamEvents;
import io.herald.schemas.data.AuthLoginFailed;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.schemas.data.AuthMfaFailed;
import io.herald.schemas.data.AuthPasswordReset;
import io.herald.schemas.data.SecurityBruteForce;
import io.herald.schemas.data.SecurityImpossibleTravel;
import io.herald.schemas.data.TokenRevoked;
import io.herald.schemas.data.UserCreated;
import io.herald.schemas.data.UserRoleChanged;
import io.herald.schemas.data.UserSuspended;
import io.herald.schemas.event.IamEvent;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/** Plausible IAM events for the demo: mostly logins, some directory changes, now and then a security alert. */
final class SampleEvents {

    private static final List<String> METHODS = List.of("password", "passkey", "sso", "magic_link");
    private static final List<Function<Random, SpecificRecord>> GENERATORS = List.of(
            r -> AuthLoginSucceeded.newBuilder().setUserId(user(r)).setEmail(user(r) + "@example.com")
                    .setIpAddress(ip(r)).setUserAgent("Mozilla/5.0").setMethod(pick(r, METHODS))
                    .setMfaUsed(r.nextBoolean()).build(),
            r -> AuthLoginSucceeded.newBuilder().setUserId(user(r)).setMethod(pick(r, METHODS)).setIpAddress(ip(r))
                    .build(),
            r -> AuthLoginFailed.newBuilder().setIdentifier(user(r) + "@example.com").setIpAddress(ip(r))
                    .setMethod("password").setReason("invalid_credentials").setConsecutiveFailures(1 + r.nextInt(5))
                    .build(),
            r -> AuthMfaFailed.newBuilder().setUserId(user(r)).setFactor("totp").setReason("invalid_code")
                    .setIpAddress(ip(r)).build(),
            r -> AuthPasswordReset.newBuilder().setUserId(user(r)).setEmail(user(r) + "@example.com").build(),
            r -> UserCreated.newBuilder().setUserId(user(r)).setEmail(user(r) + "@example.com")
                    .setDisplayName("Demo User").setSource("signup").build(),
            r -> UserRoleChanged.newBuilder().setUserId(user(r)).setPreviousRoles(List.of("member"))
                    .setCurrentRoles(List.of("member", "admin")).setChangedBy("usr_admin").build(),
            r -> UserSuspended.newBuilder().setUserId(user(r)).setReason("policy_violation").build(),
            r -> TokenRevoked.newBuilder().setTokenId("jti_" + r.nextInt(1_000_000)).setUserId(user(r))
                    .setClientId("app_console").setReason("logout").build(),
            r -> SecurityBruteForce.newBuilder().setIpAddress(ip(r)).setTargetUserId(user(r))
                    .setFailedAttempts(20 + r.nextInt(80)).setWindowSeconds(60).setBlocked(true).build(),
            r -> SecurityImpossibleTravel.newBuilder().setUserId(user(r)).setPreviousIpAddress(ip(r))
                    .setPreviousLocation("Berlin, DE").setCurrentIpAddress(ip(r)).setCurrentLocation("Sydney, AU")
                    .setDistanceKm(16_090).setElapsedSeconds(1_800).build());

    private final Random random = new Random(42);

    /** The next event: tenant {@code acme} four times out of five, else {@code globex}. */
    IamEvent next() {
        String tenant = random.nextInt(5) == 0 ? "globex" : "acme";
        return IamEvents.of(tenant, pick(random, GENERATORS).apply(random));
    }

    private static String user(Random random) {
        return "usr_" + (1000 + random.nextInt(50));
    }

    private static String ip(Random random) {
        return "203.0.113." + random.nextInt(255); // TEST-NET-3: documentation addresses only
    }

    private static <T> T pick(Random random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
