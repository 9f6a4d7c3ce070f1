package io.runwarden.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.Processes;
import io.runwarden.testing.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped alerting rules with Debian's promtool, the chart's copy, and their runbooks. */
@Tag("pure")
class MonitoringRulesTest {

  static final Path CHART = TestCluster.projectDir().resolve("deploy/helm/runwarden");
  static final Path RULES = CHART.resolve("rules/runwarden.rules.yaml");
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void promtoolAcceptsTheRules() {
    Processes.Result r = Processes.run("promtool", "check", "rules", RULES.toString());
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("SUCCESS: " + alerts().size() + " rules found");
  }

  /** Each alert with series that must fire it and series that must not (the test file says). */
  @Test
  void promtoolUnitTestsPass(@TempDir Path dir) throws IOException {
    Files.copy(RULES, dir.resolve("runwarden.rules.yaml"));
    Path tests = dir.resolve("runwarden.rules.test.yaml");
    Files.copy(
        TestCluster.projectDir().resolve("src/test/resources/monitoring/runwarden.rules.test.yaml"),
        tests);
    Processes.Result r = Processes.run("promtool", "test", "rules", tests.toString());
    assertThat(r.exit()).as(r.out()).isZero();
    String testFile = Files.readString(tests);
    for (String alert : alerts()) {
      assertThat(testFile).as("a unit test for " + alert).contains("alertname: " + alert);
    }
  }

  @Test
  void everyAlertHasARunbookSection() throws IOException {
    String runbooks = Files.readString(TestCluster.projectDir().resolve("docs/runbooks.md"));
    for (Map<String, Object> rule : rules()) {
      String alert = (String) rule.get("alert");
      assertThat(runbooks).contains("\n## " + alert + "\n");
      @SuppressWarnings("unchecked")
      Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
      assertThat(annotations.get("runbook_url"))
          .isEqualTo("docs/runbooks.md#" + alert.toLowerCase(Locale.ROOT));
    }
  }

  @Test
  void theChartsPrometheusRuleCarriesTheSameGroups() {
    String rendered =
        new Helm(CHART)
            .template()
            .withName("rw")
            .withNamespace("monitoring")
            .set("prometheusRule.enabled", true)
            .call();
    GenericKubernetesResource rule =
        ChartRbac.objects(rendered).stream()
            .filter(o -> o.getKind().equals("PrometheusRule"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no PrometheusRule rendered"));
    assertThat(rule.getAdditionalProperties().get("spec")).isEqualTo(file());
    String off = new Helm(CHART).template().withName("rw").withNamespace("monitoring").call();
    assertThat(off).as("off by default").doesNotContain("kind: PrometheusRule");
  }

  static Map<String, Object> file() {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = YAML.unmarshal(Files.readString(RULES), Map.class);
      return m;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules() {
    List<Map<String, Object>> groups = (List<Map<String, Object>>) file().get("groups");
    return groups.stream()
        .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream())
        .toList();
  }

  static List<String> alerts() {
    return rules().stream().map(r -> (String) r.get("alert")).toList();
  }
}
