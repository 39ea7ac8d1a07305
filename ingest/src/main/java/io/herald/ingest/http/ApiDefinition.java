package io.herald.ingest.http;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** The OpenAPI description of the management API; the build generates the document from the controllers. */
@OpenAPIDefinition(
        info = @Info(title = "herald-management-api", version = "0.1",
                description = "Tenant-scoped webhook management for Herald: webhooks, secrets, tests, audit log"),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "A tenant's API key, or an operator key")
final class ApiDefinition {

    private ApiDefinition() {
    }
}
