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
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * One room per job, and dependencies point one way: signatures (JDK only) and the contract depend on no Herald
 * module; the publisher on the contract only; the service runtime on the contract; the services on those, never on
 * each other. Checked in the POMs and in the compiled classes. What the two client libraries may bring with them
 * is checked on their resolved dependency trees by the enforcer rules in their POMs.
 */
class ModuleBoundariesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The Herald modules each module may depend on (compile or runtime scope). */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "signatures", List.of(),
            "schemas", List.of(),
            "publisher", List.of("herald-schemas"),
            "runtime", List.of("herald-schemas"),
            "testkit", List.of("herald-schemas", "herald-runtime"),
            "ingest", List.of("herald-schemas", "herald-runtime", "herald-signatures"),
            "router", List.of("herald-schemas", "herald-runtime"),
            "deliverer", List.of("herald-schemas", "herald-runtime", "herald-signatures"));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.herald");
    }

    @Test
    void eachModuleDependsOnlyOnTheHeraldModulesItsJobNeeds() throws Exception {
        ALLOWED.forEach((module, allowed) -> {
            List<String> herald = heraldDependencies(ROOT.resolve(module).resolve("pom.xml"), false);
            assertThat(herald).as("Herald modules that %s depends on", module).isSubsetOf(allowed);
        });
    }

    @Test
    void theContractAndTheClientLibrariesHaveNoOptionalDependencies() throws Exception {
        for (String module : List.of("signatures", "schemas", "publisher")) {
            String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
            assertThat(pom).as("%s/pom.xml: a user who adds this jar gets exactly its tree", module)
                    .doesNotContain("<optional>");
        }
    }

    @Test
    void classesUseOnlyTheModulesTheirJobNeeds() {
        noClasses().that().resideInAPackage("io.herald.signatures..")
                .should().dependOnClassesThat().resideOutsideOfPackages("java..", "javax..", "io.herald.signatures..")
                .check(classes);
        noClasses().that().resideInAPackage("io.herald.schemas..")
                .should().dependOnClassesThat().resideInAnyPackage("io.herald.runtime..", "io.herald.publisher..",
                        "io.herald.signatures..", "io.herald.ingest..", "io.herald.router..", "io.herald.deliverer..",
                        "io.herald.testkit..", "io.herald.deploy..", "io.micrometer..", "io.opentelemetry.sdk..",
                        "io.micronaut..", "io.netty..")
                .check(classes);
        noClasses().that().resideInAPackage("io.herald.publisher..")
                .should().dependOnClassesThat().resideInAnyPackage("io.herald.runtime..", "io.herald.ingest..",
                        "io.herald.router..", "io.herald.deliverer..", "io.micronaut..", "io.netty..",
                        "io.opentelemetry.sdk..")
                .check(classes);
        noClasses().that().resideInAPackage("io.herald.runtime..")
                .should().dependOnClassesThat().resideInAnyPackage("io.herald.ingest..", "io.herald.router..",
                        "io.herald.deliverer..", "io.herald.publisher..", "io.herald.testkit..", "io.herald.deploy..")
                .check(classes);
        List<String> services = List.of("ingest", "router", "deliverer");
        for (String service : services) {
            String[] others = services.stream().filter(s -> !s.equals(service))
                    .map(s -> "io.herald." + s + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage("io.herald." + service + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .check(classes);
        }
    }

    /**
     * One Kafka client factory: every service and tool gets its clients from KafkaClients, which applies the
     * cluster's settings and Herald's guarantees. The publisher (a library with its own configuration) and the
     * benchmark's yardsticks (the Kafka ceiling and the naive consumer are deliberately not Herald's clients) aside.
     */
    @Test
    void onlyTheClientFactoryMakesKafkaClients() {
        noClasses().that().resideInAnyPackage("io.herald.ingest..", "io.herald.router..", "io.herald.deliverer..",
                        "io.herald.runtime..", "io.herald.testkit..", "io.herald.deploy..")
                .and().doNotHaveFullyQualifiedName("io.herald.runtime.kafka.KafkaClients")
                .and().doNotHaveFullyQualifiedName("io.herald.bench.BenchRun")
                .should().callConstructor(org.apache.kafka.clients.producer.KafkaProducer.class,
                        java.util.Map.class, org.apache.kafka.common.serialization.Serializer.class,
                        org.apache.kafka.common.serialization.Serializer.class)
                .orShould().callConstructor(org.apache.kafka.clients.consumer.KafkaConsumer.class,
                        java.util.Map.class, org.apache.kafka.common.serialization.Deserializer.class,
                        org.apache.kafka.common.serialization.Deserializer.class)
                .orShould().callMethod(org.apache.kafka.clients.admin.Admin.class, "create", java.util.Map.class)
                .check(classes);
    }

    /**
     * The ingest service is packaged by feature (events, webhooks, deliveries, audit, catalog) over shared HTTP
     * plumbing (http), authentication (auth), configuration (config) and meters (ops), with no cycles: the plumbing
     * knows no feature, and a feature uses another only where its job needs it (the delivery log looks webhooks up).
     */
    @Test
    void ingestIsPackagedByFeatureWithoutCycles() {
        com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
                .matching("io.herald.ingest.(*)..").should().beFreeOfCycles().check(classes);
        String[] features = {"io.herald.ingest.events..", "io.herald.ingest.webhooks..",
                "io.herald.ingest.deliveries..", "io.herald.ingest.audit..", "io.herald.ingest.catalog.."};
        for (String plumbing : List.of("io.herald.ingest.http..", "io.herald.ingest.auth..",
                "io.herald.ingest.config..", "io.herald.ingest.ops..")) {
            noClasses().that().resideInAPackage(plumbing).should().dependOnClassesThat().resideInAnyPackage(features)
                    .check(classes);
        }
        for (String feature : features) {
            String[] others = java.util.Arrays.stream(features).filter(f -> !f.equals(feature))
                    .filter(f -> !(feature.contains("deliveries") && f.contains("webhooks"))).toArray(String[]::new);
            noClasses().that().resideInAPackage(feature).should().dependOnClassesThat().resideInAnyPackage(others)
                    .check(classes);
        }
    }

    @Test
    void theRootPomListsEveryModuleOnceInDependencyOrder() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        NodeList modules = root.getElementsByTagName("module");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            order.add(modules.item(i).getTextContent().trim());
        }
        assertThat(order).containsExactly("signatures", "schemas", "runtime", "testkit", "publisher", "ingest",
                "router", "deliverer", "deploy", "bench");
    }

    private static List<String> heraldDependencies(Path pom, boolean includeTests) {
        Document document = parse(pom);
        NodeList dependencies = document.getElementsByTagName("dependency");
        List<String> herald = new ArrayList<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if (!(dependency.getParentNode().getParentNode() instanceof Element parent)
                    || !parent.getTagName().equals("project")) {
                continue; // plugin dependencies
            }
            String groupId = text(dependency, "groupId");
            String scope = text(dependency, "scope");
            if ((groupId.equals("io.herald") || groupId.equals("${project.groupId}"))
                    && (includeTests || !scope.equals("test"))) {
                herald.add(text(dependency, "artifactId"));
            }
        }
        return herald;
    }

    private static String text(Element element, String tag) {
        NodeList nodes = element.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    private static Document parse(Path pom) {
        assertThat(pom).exists();
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(pom));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }
}
