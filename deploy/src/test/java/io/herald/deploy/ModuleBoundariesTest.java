package io.herald.deploy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Module dependencies point one way: services depend on {@code schemas} (and the testkit in tests), never on each
 * other; {@code schemas} depends on no Herald module. Checked in the POMs and in the compiled classes.
 */
class ModuleBoundariesTest {

    private static final Set<String> SERVICES = Set.of("herald-ingest", "herald-router", "herald-deliverer");
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void noServiceModuleDependsOnAnotherServiceModule() throws Exception {
        for (String module : List.of("ingest", "router", "deliverer", "schemas", "testkit")) {
            List<String> heraldDependencies = heraldDependencies(ROOT.resolve(module).resolve("pom.xml"));
            assertThat(heraldDependencies).as("Herald modules that %s depends on", module)
                    .doesNotContainAnyElementsOf(SERVICES);
        }
        assertThat(heraldDependencies(ROOT.resolve("schemas/pom.xml"))).as("schemas depends on no Herald module")
                .isEmpty();
    }

    @Test
    void serviceClassesUseNoClassOfAnotherService() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.herald");
        List<String> services = List.of("ingest", "router", "deliverer");
        for (String service : services) {
            String[] others = services.stream().filter(s -> !s.equals(service))
                    .map(s -> "io.herald." + s + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage("io.herald." + service + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .check(classes);
        }
        noClasses().that().resideInAPackage("io.herald.schemas..")
                .should().dependOnClassesThat().resideInAnyPackage("io.herald.ingest..", "io.herald.router..",
                        "io.herald.deliverer..", "io.herald.testkit..", "io.herald.deploy..")
                .check(classes);
    }

    private static List<String> heraldDependencies(Path pom) throws Exception {
        assertThat(pom).exists();
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(pom));
        NodeList dependencies = document.getElementsByTagName("dependency");
        List<String> herald = new ArrayList<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String groupId = dependency.getElementsByTagName("groupId").item(0).getTextContent().trim();
            if (groupId.equals("io.herald") || groupId.equals("${project.groupId}")) {
                herald.add(dependency.getElementsByTagName("artifactId").item(0).getTextContent().trim());
            }
        }
        return herald;
    }
}
