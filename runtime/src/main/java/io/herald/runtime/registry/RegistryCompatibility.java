package io.herald.runtime.registry;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.schemas.registry.SchemaRegistryClient;
import io.herald.schemas.registry.SchemaRegistryException;

/**
 * Sets the registry's global compatibility level to BACKWARD, the rule the build checks Herald's own schemas
 * against: a consumer with the new schema must read every record written with the previous one. With the rule in
 * place the registry refuses an incompatible schema from any producer, so SIEM consumers never meet one.
 * Through the Confluent API's {@code /config}.
 */
public final class RegistryCompatibility {

    public static final String LEVEL = "BACKWARD";

    private RegistryCompatibility() {
    }

    /**
     * Sets the global level; safe to run again.
     *
     * @throws SchemaRegistryException when the registry refuses or can't be reached
     */
    public static void requireBackward(RegistryEndpoint registry) {
        new SchemaRegistryClient(registry).setCompatibility(LEVEL);
    }

    /** The registry's global compatibility level, or null when it has none. */
    public static String currentLevel(RegistryEndpoint registry) {
        return new SchemaRegistryClient(registry).compatibility().orElse(null);
    }
}
