package io.runwarden.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Health probes and Prometheus metrics, through the real HTTP endpoints. */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class ObservabilityTest {

  private final KubernetesClient client = TestCluster.get().client();
  private final HttpClient http = HttpClient.newHttpClient();

  @TestHTTPResource("/q/health/live")
  URL live;

  @TestHTTPResource("/q/health/ready")
  URL ready;

  @TestHTTPResource("/q/metrics")
  URL metrics;

  @Test
  void probesAreUpAndStayUpWhileAUserRunFails() throws Exception {
    // The operator fills its informers beside the HTTP server (OperatorStart): ready once filled,
    // which is where a kubelet's readiness probe would wait too.
    await().atMost(Duration.ofSeconds(30)).until(() -> get(ready).statusCode() == 200);
    assertThat(get(live).statusCode()).isEqualTo(200);
    String ns = TestCluster.get().newNamespace("obs");
    create(ns, "doomed", "1s");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> client.resources(QualificationRun.class).inNamespace(ns).withName("doomed").get(),
            r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Failed);
    assertThat(get(live).statusCode()).isEqualTo(200);
    // Readiness follows the informers' watches, and a watch being opened again is not watching:
    // readiness blips, which a kubelet's failureThreshold absorbs. In one CI run the runs' watch
    // was reopening right here, after the test before this one (same operator) deleted a thousand
    // runs. A run failing must not keep readiness down.
    await().atMost(Duration.ofSeconds(30)).until(() -> get(ready).statusCode() == 200);
  }

  @Test
  void lifecycleMetricsAreExposedForPrometheus() throws Exception {
    String ns = TestCluster.get().newNamespace("obs");
    create(ns, "late", "1s");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get(metrics).body(), b -> b.contains("reason=\"DeadlineExceeded\""));
    String body = get(metrics).body();
    assertThat(body)
        .contains("runwarden_runs{phase=\"Failed\"}")
        .contains("runwarden_transitions_total{reason=\"Accepted\",type=\"Normal\"}")
        .contains("runwarden_enforcement_lateness_seconds_bucket")
        .contains("runwarden_enforcement_lateness_seconds_count");
    assertThat(body)
        .as("reconcile durations from the Operator SDK")
        .containsPattern("operator_sdk_controllers_execution_reconcile_seconds_bucket");
    assertThat(body)
        .as("no series per run: 10,000 runs must not mean 10,000 reconcile histograms")
        .doesNotContain("resource_name=")
        .doesNotContain("name=\"late\"");
  }

  @Test
  void everyMetricTheShippedDashboardQueriesIsOneTheOperatorDefines() throws Exception {
    var dashboardNames =
        metricNames(
            java.nio.file.Files.readString(
                TestCluster.projectDir()
                    .resolve("deploy/helm/runwarden/dashboards/runwarden.json")),
            "runwarden_[a-z_]+");
    var defined = new java.util.TreeSet<String>();
    try (var sources =
        java.nio.file.Files.walk(TestCluster.projectDir().resolve("src/main/java"))) {
      for (var file : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
        defined.addAll(metricNames(java.nio.file.Files.readString(file), "\"runwarden_[a-z_]+\""));
      }
    }
    assertThat(dashboardNames).isNotEmpty();
    assertThat(defined).containsAll(dashboardNames);
  }

  /** Metric names found by the pattern, without quotes and histogram suffixes. */
  private static java.util.Set<String> metricNames(String text, String pattern) {
    var names = new java.util.TreeSet<String>();
    var m = java.util.regex.Pattern.compile(pattern).matcher(text);
    while (m.find()) {
      names.add(m.group().replace("\"", "").replaceAll("_(bucket|count|sum)$", ""));
    }
    return names;
  }

  /**
   * A client that asks to upgrade to HTTP/2 (h2c, the JDK client's default) is answered in
   * HTTP/1.1, with the whole page: an upgraded answer once came back as raw text inside HTTP/2
   * framing.
   */
  @Test
  void aClientAskingForHttp2GetsTheMetricsPageOverHttp11() throws Exception {
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(metrics.toString()))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("# TYPE jvm_threads_live_threads gauge");
  }

  private HttpResponse<String> get(URL url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void create(String ns, String name, String runTimeout) {
    QualificationRun run = RunFixtures.run(name, ns);
    QualificationRunSpec spec = run.getSpec();
    spec.getTimeouts().setRun(runTimeout);
    client.resource(run).create();
  }
}
