package io.herald.schemas.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.serde.HeraldSerdes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The catalog document in docs/ is the one the build makes from the schemas, so it can't drift from them. */
class CatalogDocumentTest {

    @Test
    void docsEventsMdIsTheGeneratedCatalog() throws IOException {
        HeraldSerdes.trustHeraldRecords();
        assertThat(Files.readString(Path.of("../docs/events.md")))
                .as("docs/events.md is generated: after a build, cp schemas/target/catalog/events.md docs/")
                .isEqualTo(CatalogArtifacts.markdown(EventCatalog.get()));
    }

    @Test
    void everyTypeIsListedWithItsTopicAndDataFields() {
        String markdown = CatalogArtifacts.markdown(EventCatalog.get());
        assertThat(markdown.lines().filter(line -> line.startsWith("| `"))).hasSize(EventCatalog.get().types().size());
        assertThat(markdown).contains("| `org.membership.created` | org | `iam.org` | `organizationId` |",
                "`roles` string[]", "| `access.provisioned` | access | `iam.app` |", "`entitlement` string?");
    }
}
