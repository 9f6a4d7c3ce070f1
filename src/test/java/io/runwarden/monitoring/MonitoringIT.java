package io.runwarden.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring stack for real: Debian's Prometheus scrapes the packaged operator with the shipped
 * rules and sends to Debian's Alertmanager, whose webhook receiver is this test. Three runs of one
 * namespace exhaust their retries: RunwardenRunsFailing reaches the webhook with their namespace
 * and reason. Then every query of the shipped Grafana dashboard is evaluated against that
 * Prometheus and must return data (a typo in a metric name returns none).
 */
class MonitoringIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();

  @Test
  void exhaustedRetriesReachAlertmanagersWebhookAndEveryDashboardQueryHasData(@TempDir Path dir)
      throws Exception {
    KubernetesClient client = TestCluster.get().client();
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/alerts",
        exchange -> {
          received.add(JSON.readTree(exchange.getRequestBody()));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    webhook.start();

    String opNs = TestCluster.get().newNamespace("mon-op");
    try (OperatorProcess operator = OperatorProcess.startWith(ChartRbac.install("mon", opNs))) {
      int am = freePort();
      int prom = freePort();
      Files.writeString(
          dir.resolve("alertmanager.yml"),
          """
          route:
            receiver: test
            group_by: [alertname, namespace, reason]
            group_wait: 1s
            group_interval: 1s
            repeat_interval: 1h
          receivers:
            - name: test
              webhook_configs:
                - url: http://127.0.0.1:%d/alerts
          """
              .formatted(webhook.getAddress().getPort()));
      start(
          dir,
          "alertmanager",
          "prometheus-alertmanager",
          "--config.file=" + dir.resolve("alertmanager.yml"),
          "--storage.path=" + dir.resolve("am-data"),
          "--web.listen-address=127.0.0.1:" + am,
          "--cluster.listen-address="); // one instance: no gossip to settle
      Files.copy(MonitoringRulesTest.RULES, dir.resolve("runwarden.rules.yaml"));
      Files.writeString(
          dir.resolve("prometheus.yml"),
          """
          global: {scrape_interval: 1s, evaluation_interval: 1s}
          rule_files: [runwarden.rules.yaml]
          alerting:
            alertmanagers: [{static_configs: [{targets: ["127.0.0.1:%d"]}]}]
          scrape_configs:
            - job_name: runwarden
              metrics_path: /q/metrics
              static_configs: [{targets: ["127.0.0.1:%d"]}]
          """
              .formatted(am, operator.port()));
      start(
          dir,
          "prometheus",
          "prometheus",
          "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("prom-data"),
          "--web.listen-address=127.0.0.1:" + prom);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> query(prom, "up{job=\"runwarden\"} == 1").size() == 1);

      // Three runs nobody works on: StartTimeout, one retry, StartTimeout, RetriesExhausted.
      String ns = TestCluster.get().newNamespace("mon-team");
      for (int i = 0; i < 3; i++) {
        QualificationRun run = RunFixtures.run("unclaimed-" + i, ns);
        run.getSpec().getTimeouts().setStart("2s");
        run.getSpec().setRetry(RunFixtures.retry(1));
        client.resource(run).create();
      }
      Runs runs = new Runs(client, ns);
      for (int i = 0; i < 3; i++) {
        runs.awaitPhase("unclaimed-" + i, Phase.Failed);
      }

      JsonNode alert =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      received.stream()
                          .flatMap(n -> stream(n.get("alerts")))
                          .filter(a -> "RunwardenRunsFailing".equals(label(a, "alertname")))
                          .findFirst()
                          .orElse(null),
                  a -> a != null);
      System.out.println(
          "Alertmanager's webhook received:\n"
              + JSON.writerWithDefaultPrettyPrinter()
                  .writeValueAsString(received.get(received.size() - 1)));
      assertThat(alert.get("status").asText()).isEqualTo("firing");
      assertThat(label(alert, "namespace")).isEqualTo(ns);
      assertThat(label(alert, "reason")).isEqualTo("RetriesExhausted");
      assertThat(alert.get("annotations").get("summary").asText())
          .matches("Runs in " + ns + " are failing RetriesExhausted: about [34] in 10 minutes");

      JsonNode dashboard =
          JSON.readTree(MonitoringRulesTest.CHART.resolve("dashboards/runwarden.json").toFile());
      List<String> queries = new ArrayList<>();
      dashboard.findValues("expr").forEach(e -> queries.add(e.asText()));
      assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
      for (String q : queries) {
        assertThat(query(prom, q)).as("dashboard query returns data: " + q).isNotEmpty();
      }
    } finally {
      processes.forEach(Process::destroy);
      // Stopped before the directory they write into is removed.
      for (Process p : processes) {
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      }
      webhook.stop(0);
    }
  }

  private List<JsonNode> query(int port, String promql) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/api/v1/query?query="
                            + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asText()).as(promql + ": " + r.body()).isEqualTo("success");
    return stream(body.get("data").get("result")).toList();
  }

  private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    if (array != null) {
      array.forEach(out::add);
    }
    return out.stream();
  }

  private static String label(JsonNode alert, String name) {
    JsonNode v = alert.get("labels").get(name);
    return v == null ? null : v.asText();
  }

  private void start(Path dir, String name, String... command) throws IOException {
    processes.add(
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .start());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
