package io.runwarden.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Readiness with many runs present, without the 10,000-run benchmark's twenty minutes: {@code
 * ./mvnw -B -Pbench verify -Dbench.main=io.runwarden.bench.Readiness -Dbench.active=11000}. One run
 * is claimed through the operator; its run and report are then copied {@code bench.active} times
 * straight into the API server (status included, so each object is the size a claimed run has), and
 * the packaged operator is restarted {@code bench.restarts} times, each timed to its first ready
 * answer. Prints the times, the list requests the starts made, and when each list was sent and how
 * long the API server took over it.
 */
public final class Readiness {

  private Readiness() {}

  public static void main(String[] args) {
    Benchmark.exitAfter(Readiness::run);
  }

  private static void run() throws Exception {
    int n = Integer.getInteger("bench.active", 11000);
    int restarts = Integer.getInteger("bench.restarts", 3);
    Path out = TestCluster.projectDir().resolve("target/benchmark");
    Files.createDirectories(out);
    TestCluster cluster = TestCluster.startWith(AuditLog.apiServerFlags(out));
    var config = cluster.config();
    config.setUserAgent(Benchmark.BENCH_AGENT);
    List<String> flags = new ArrayList<>(ProductionJvm.flags(TestCluster.projectDir()));
    String extra = System.getProperty("bench.operatorArgs", "").trim();
    if (!extra.isEmpty()) flags.addAll(List.of(extra.split("\\s+")));
    String[] jvm = flags.toArray(String[]::new);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      String ns = Benchmark.newNamespace(client, Benchmark.STANDING_NAMESPACE);
      QualificationRun template;
      QualificationRunReport report;
      try (OperatorProcess operator = OperatorProcess.start(jvm);
          Standing one = new Standing(client, ns, 1, 10, Duration.ofMinutes(3))) {
        one.start(Duration.ofMinutes(2));
        template =
            client.resources(QualificationRun.class).inNamespace(ns).withName("standing-0").get();
        report =
            client.resources(QualificationRunReport.class).inNamespace(ns).list().getItems().get(0);
      }
      long seeded = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(32);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 1; i < n; i++) {
        int id = i;
        done.add(pool.submit(() -> copy(client, ns, template, report, id)));
      }
      for (Future<?> f : done) f.get();
      pool.shutdown();
      System.out.printf(
          "Seeded %d runs and reports in %.1f s%n", n, (System.nanoTime() - seeded) / 1e9);
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  new Standing(client, ns, n, 1, Duration.ofMinutes(3))
                          .phases()
                          .getOrDefault(Phase.Running, 0L)
                      == n);
      List<String> yardstick = listYardstick(cluster);
      List<Double> ready = new ArrayList<>();
      List<String> lists = new ArrayList<>();
      for (int i = 0; i < restarts; i++) {
        Instant started = Instant.now();
        try (OperatorProcess operator = OperatorProcess.start(jvm)) {
          ready.add(operator.readyAfter().toMillis() / 1000.0);
        }
        lists.add("  restart " + (i + 1) + ", ready after " + ready.get(i) + " s:");
        AuditLog.lists(out.resolve("audit.log"), Benchmark.OPERATOR_AGENT, started, Instant.now())
            .forEach(l -> lists.add("    " + l));
      }
      Map<String, Long> requests =
          AuditLog.count(out.resolve("audit.log"), Benchmark.OPERATOR_AGENT);
      System.out.println("Ready with " + n + " runs present, seconds: " + ready);
      System.out.println(
          "The same lists for kubectl on the idle API server (the machine's yardstick), seconds:");
      yardstick.forEach(System.out::println);
      System.out.println("The operator's lists, seconds from the process's start:");
      lists.forEach(System.out::println);
      requests.entrySet().stream()
          .filter(e -> e.getKey().startsWith("list") || e.getKey().startsWith("watch"))
          .forEach(e -> System.out.println("  " + e.getKey() + ": " + e.getValue()));
    }
  }

  /**
   * What the API server and this machine take to hand the same lists, in full, to a Go client
   * (kubectl, as client-go's reflector asks: {@code resourceVersion=0}, from the watch cache),
   * three times each, before the restarts. Readiness can be no quicker than the runs' list plus the
   * JVM's start; on another day or machine this is the figure to compare first.
   */
  private static List<String> listYardstick(TestCluster cluster) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String plural : List.of("qualificationruns", "qualificationrunreports")) {
      String path =
          "/apis/"
              + QualificationRun.GROUP
              + "/v1alpha1/"
              + plural
              + "?limit=500&resourceVersion=0";
      List<String> seconds = new ArrayList<>();
      long bytes = 0;
      for (int i = 0; i < 3; i++) {
        Path body = Files.createTempFile("list", ".json");
        try {
          long t0 = System.nanoTime();
          Process p =
              new ProcessBuilder(
                      "kubectl", "--kubeconfig=" + cluster.kubeconfig(), "get", "--raw", path)
                  .redirectOutput(body.toFile())
                  .redirectError(ProcessBuilder.Redirect.DISCARD)
                  .start();
          if (p.waitFor() != 0) throw new IllegalStateException("kubectl get --raw " + path);
          seconds.add(String.format("%.2f", (System.nanoTime() - t0) / 1e9));
          bytes = Files.size(body);
        } finally {
          Files.deleteIfExists(body);
        }
      }
      lines.add(
          String.format("  %s (%.1f MB): %s", plural, bytes / 1e6, String.join(" / ", seconds)));
    }
    return lines;
  }

  private static void copy(
      KubernetesClient client,
      String ns,
      QualificationRun template,
      QualificationRunReport report,
      int i) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(
        new ObjectMeta() {
          {
            setName("standing-" + i);
            setLabels(template.getMetadata().getLabels());
          }
        });
    run.setSpec(template.getSpec());
    QualificationRun created =
        client.resources(QualificationRun.class).inNamespace(ns).resource(run).create();
    created.setStatus(template.getStatus());
    client.resources(QualificationRun.class).inNamespace(ns).resource(created).updateStatus();
    QualificationRunReport r = new QualificationRunReport();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(report.getMetadata().getName().replace("standing-0", "standing-" + i));
    meta.setLabels(report.getMetadata().getLabels());
    OwnerReference owner = new OwnerReference();
    owner.setApiVersion(created.getApiVersion());
    owner.setKind(created.getKind());
    owner.setName(created.getMetadata().getName());
    owner.setUid(created.getMetadata().getUid());
    owner.setController(true);
    meta.setOwnerReferences(List.of(owner));
    r.setMetadata(meta);
    r.setSpec(report.getSpec());
    QualificationRunReport made =
        client.resources(QualificationRunReport.class).inNamespace(ns).resource(r).create();
    made.setStatus(report.getStatus());
    client.resources(QualificationRunReport.class).inNamespace(ns).resource(made).updateStatus();
  }
}
