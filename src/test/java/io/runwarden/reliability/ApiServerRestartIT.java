package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.lifecycle.Times;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue #9: kube-apiserver goes away for 10 s mid-load and comes back (etcd keeps its data). The
 * same operator process recovers its watches and timers: a deadline that passed during the outage
 * is enforced shortly after the API server is back, a later one on time, and runs created or
 * claimed after the outage are served.
 */
class ApiServerRestartIT {

  static final Duration DOWN = Duration.ofSeconds(10);

  private final KubernetesClient client = TestCluster.get().client();

  @Test
  void watchesAndTimersRecoverWithoutRestartingTheOperator() throws Exception {
    String opNs = TestCluster.get().newNamespace("apirestart-op");
    Path kubeconfig = ChartRbac.install("apirestart", opNs);
    String ns = TestCluster.get().newNamespace("apirestart");
    try (OperatorProcess operator = OperatorProcess.startWith(kubeconfig)) {
      create(ns, "during", "8s"); // its deadline passes while the API server is down
      create(ns, "after", "30s"); // its deadline comes after the API server is back
      create(ns, "claimed", "10m");
      await().atMost(Duration.ofSeconds(20)).until(() -> phase(ns, "claimed") == Phase.Pending);

      TestCluster.get().restartApiServer(DOWN);
      Instant back =
          await()
              .atMost(Duration.ofSeconds(60))
              .ignoreExceptions()
              .until(
                  () -> client.getKubernetesVersion() != null ? Instant.now() : null,
                  i -> i != null);

      Instant duringSeen =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .ignoreExceptions()
              .until(
                  () -> phase(ns, "during") == Phase.Failed ? Instant.now() : null, i -> i != null);
      create(ns, "fresh", "10m");
      TestWorker worker = new TestWorker(client, ns, "claimed", "w1");
      worker.claim();
      await().atMost(Duration.ofSeconds(60)).until(() -> phase(ns, "fresh") == Phase.Pending);
      await().atMost(Duration.ofSeconds(60)).until(() -> phase(ns, "claimed") == Phase.Running);
      await().atMost(Duration.ofSeconds(60)).until(() -> phase(ns, "after") == Phase.Failed);
      Instant afterHandled = Instant.now();

      assertThat(reason(ns, "during")).isEqualTo(Reasons.DEADLINE_EXCEEDED);
      assertThat(reason(ns, "after")).isEqualTo(Reasons.DEADLINE_EXCEEDED);
      // Seen by polling every 100 ms: an upper bound.
      double duringLate = Duration.between(back, duringSeen).toMillis() / 1000.0;
      double afterLate =
          Duration.between(
                      Times.parse(status(ns, "after").getTimeoutAt()), completedAt(ns, "after"))
                  .toMillis()
              / 1000.0;
      String text =
          String.format(
              java.util.Locale.ROOT,
              "api-server restart: down %d s; a deadline passed during the outage was enforced"
                  + " %.1f s after the API server answered again; one after it %.1f s late; the"
                  + " operator process was never restarted%n",
              DOWN.toSeconds(),
              duringLate,
              afterLate);
      System.out.print(text);
      Path out = TestCluster.projectDir().resolve("target/reliability");
      Files.createDirectories(out);
      Files.writeString(out.resolve("apiserver-restart.txt"), text);
      assertThat(operator.pid()).isPositive();
      assertThat(ProcessHandle.of(operator.pid()).map(ProcessHandle::isAlive)).contains(true);
      assertThat(duringLate).as("seconds after the API server was back").isLessThan(10);
      assertThat(afterLate).as("seconds late for a deadline after the outage").isLessThan(2);
      assertThat(afterHandled).isAfter(back);
    }
  }

  private void create(String ns, String name, String runTimeout) {
    QualificationRun run = RunFixtures.run(name, ns);
    QualificationRunSpec spec = run.getSpec();
    spec.getTimeouts().setRun(runTimeout);
    spec.getTimeouts().setStart("10m");
    client.resource(run).create();
  }

  private io.runwarden.api.v1alpha1.QualificationRunStatus status(String ns, String name) {
    return client
        .resources(QualificationRun.class)
        .inNamespace(ns)
        .withName(name)
        .get()
        .getStatus();
  }

  private Phase phase(String ns, String name) {
    var s = status(ns, name);
    return s == null ? null : s.getPhase();
  }

  private String reason(String ns, String name) {
    return status(ns, name).getReason();
  }

  private Instant completedAt(String ns, String name) {
    return Times.parse(status(ns, name).getCompletedAt());
  }
}
