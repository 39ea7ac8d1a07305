package io.herald.ingest.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.herald.schemas.Tenants;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks bearer tokens that are JWTs from the IAM platform itself ({@link JwtConfig}) with Nimbus JOSE+JWT: the
 * JWKS is fetched when first needed, cached, and fetched again for a key id it doesn't know (key rotation).
 * Asymmetric signatures only: a shared-secret (HS*) or unsigned token is refused.
 */
public final class JwtAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.Ed25519, JWSAlgorithm.EdDSA);

    private final JwtConfig config;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /** The JWKS could not be fetched: the token could be fine, so the request should be tried again. */
    public static final class KeysUnavailableException extends RuntimeException {
        KeysUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public JwtAuthenticator(JwtConfig config) {
        this.config = config;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(config.jwksUrl().toURL()).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + config.jwksUrl(), e);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        // Nimbus asks these sets whether they contain null: Java's immutable sets would throw.
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new HashSet<>(Set.of(config.audience())),
                new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
                new HashSet<>(Set.of("exp", config.tenantClaim())), new HashSet<>()));
    }

    /** Whether a bearer credential is a JWT (three base64url parts) rather than an API key. */
    public static boolean looksLikeJwt(String credential) {
        return credential != null && credential.chars().filter(c -> c == '.').count() == 2
                && credential.startsWith("eyJ");
    }

    /**
     * The tenant caller a valid token stands for; empty for a token that is not valid (signature, issuer, audience,
     * expiry, tenant claim), with the reason logged at debug.
     *
     * @throws KeysUnavailableException when the JWKS could not be fetched
     */
    public Optional<Caller> authenticate(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token.trim(), null);
        } catch (KeySourceException e) {
            throw new KeysUnavailableException("the JWKS at " + config.jwksUrl() + " could not be fetched", e);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            LOG.debug("JWT refused: {}", e.getMessage());
            return Optional.empty();
        }
        Object tenant = claims.getClaim(config.tenantClaim());
        if (!(tenant instanceof String slug) || !Tenants.isValid(slug)) {
            LOG.debug("JWT refused: claim {} is not a tenant", config.tenantClaim());
            return Optional.empty();
        }
        String subject = claims.getSubject() == null ? "unknown" : claims.getSubject();
        KeyScope scope = scopes(claims).contains(config.adminScope()) ? KeyScope.ADMIN : KeyScope.READ_ONLY;
        return Optional.of(new Caller(slug, "jwt:" + subject, scope));
    }

    /** The token's scopes: OAuth's space-separated {@code scope}, or a {@code scp} list. */
    private static Collection<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        if (scope instanceof String text) {
            return Arrays.asList(text.trim().split("\\s+"));
        }
        Object scp = claims.getClaim("scp");
        if (scp instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        if (scp instanceof String text) {
            return Arrays.asList(text.trim().split("\\s+"));
        }
        return List.of();
    }
}
