package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The alert rules are well formed, use only meters Herald has (docs/operations.md, which the metrics
 * ITs hold to the real scrapes), and link to runbook sections that exist.
 */
class AlertRulesTest {

    private static final Path RULES = Path.of("prometheus/herald-alerts.yml");
    private static final Pattern HERALD_METRIC = Pattern.compile("\\b(herald_[a-z_]+)");
    private static final Pattern DOCUMENTED = Pattern.compile("`(herald_[a-z_]+)(\\{[^`]*})?`");

    @Test
    @SuppressWarnings("unchecked")
    void everyRuleIsCompleteUsesExistingMetersAndLinksToTheRunbook() throws IOException {
        Map<String, Object> document = new Yaml().load(Files.readString(RULES));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        Set<String> documented = documentedMeters();
        Set<String> anchors = runbookAnchors();

        assertThat(rules).hasSizeGreaterThanOrEqualTo(6);
        for (Map<String, Object> rule : rules) {
            String name = (String) rule.get("alert");
            assertThat(name).as("alert name").isNotBlank();
            String expr = rule.get("expr").toString();
            assertThat(((Map<String, String>) rule.get("labels")).get("severity")).as(name).isIn("page", "ticket");
            Map<String, String> annotations = (Map<String, String>) rule.get("annotations");
            assertThat(annotations.get("summary")).as(name).isNotBlank();
            String runbook = annotations.get("runbook");
            assertThat(runbook).as(name).startsWith("deploy/RUNBOOK.md#");
            assertThat(anchors).as(name + " links to an existing runbook section")
                    .contains(runbook.substring(runbook.indexOf('#') + 1));
            Matcher metric = HERALD_METRIC.matcher(expr);
            while (metric.find()) {
                String meter = metric.group(1).replaceAll("_(bucket|count|sum)$", "");
                assertThat(documented).as(name + " uses " + meter).contains(meter);
            }
        }
    }

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
        boolean installed = Commands.succeeds("promtool", "--version");
        Commands.require(installed, "promtool is missing (Debian package prometheus)");
        Commands.Result check = Commands.run(null, java.time.Duration.ofSeconds(60), "promtool", "check", "rules",
                RULES.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        // Each alert fires on the series it is meant for and stays quiet on healthy ones.
        Commands.Result tests = Commands.run(null, java.time.Duration.ofSeconds(60), "promtool", "test", "rules",
                "prometheus/herald-alerts.test.yml");
        assertThat(tests.exitCode()).as(tests.output()).isZero();
        assertThat(tests.output()).contains("SUCCESS");
    }

    /** The herald_* meters of docs/operations.md. */
    private static Set<String> documentedMeters() throws IOException {
        String page = Files.readString(Path.of("../docs/operations.md"));
        String operations = page.substring(page.indexOf("## Health and metrics"), page.indexOf("## Topics"));
        Set<String> meters = new TreeSet<>();
        Matcher documented = DOCUMENTED.matcher(operations);
        while (documented.find()) {
            meters.add(documented.group(1));
        }
        return meters;
    }

    /** GitHub's anchors of the runbook's sections. */
    private static Set<String> runbookAnchors() throws IOException {
        Set<String> anchors = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("RUNBOOK.md"))) {
            if (line.startsWith("## ")) {
                anchors.add(line.substring(3).trim().toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
