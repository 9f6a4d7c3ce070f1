package io.runwarden.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.conformance.WorkerConformanceTest.Library;
import io.runwarden.conformance.WorkerConformanceTest.Worker;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conformance, the scenario that needs the API server to go away: kube-apiserver is down for 10 s
 * while a library's worker is mid-run. The worker goes on working; its reports fail meanwhile and
 * are retried; once the server is back the newest progress and the outcome arrive. No report is
 * lost, the worker is not cancelled, and the run succeeds on its first attempt. The operator runs
 * as its own process (the API server restart would take an in-process one down with the test).
 */
class WorkerApiServerRestartIT {

  static Stream<Library> libraries() {
    return WorkerConformanceTest.libraries();
  }

  private final KubernetesClient client = TestCluster.get().client();

  @ParameterizedTest(name = "{0}")
  @MethodSource("libraries")
  void anApiServerRestartMidRunLosesNoReport(Library lib) throws Exception {
    String opNs = TestCluster.get().newNamespace("wrestart-op");
    Path kubeconfig = ChartRbac.install("wrestart", opNs);
    String ns = TestCluster.get().newNamespace("wrestart");
    Runs runs = new Runs(client, ns);
    try (OperatorProcess operator = OperatorProcess.startWith(kubeconfig)) {
      QualificationRun run = RunFixtures.run("restart", ns);
      run.getSpec().getTimeouts().setRun("5m");
      run.getSpec().getTimeouts().setHeartbeat("40s"); // longer than the outage and its recovery
      client.resources(QualificationRun.class).inNamespace(ns).resource(run).create();
      WorkerConformanceTest.oneRunRole(client, ns, "restart");
      Worker w =
          WorkerConformanceTest.launch(
              lib,
              ns,
              "restart",
              "w-1",
              Map.of("CONFORMANCE_ITEMS", "40", "CONFORMANCE_ITEM_MS", "500"));
      try {
        await()
            .atMost(Runs.WAIT)
            .until(
                () -> {
                  QualificationRun r = runs.get("restart");
                  return r.getStatus() != null
                      && r.getStatus().getProgress() != null
                      && r.getStatus().getProgress().getCompleted() != null
                      && r.getStatus().getProgress().getCompleted() > 0;
                });

        TestCluster.get().restartApiServer(Duration.ofSeconds(10));

        QualificationRun done =
            await()
                .atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .until(
                    () -> runs.get("restart"),
                    r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Succeeded);
        assertThat(w.exitCode()).isZero();
        assertThat(w.has("cancelled")).isFalse();
        assertThat(done.getStatus().getAttempt()).isEqualTo(1);
        assertThat(done.getStatus().getProgress().getCompleted()).isEqualTo(40L);
        assertThat(done.getStatus().getCheckpoint()).isEqualTo("item-40");
      } finally {
        w.process.destroyForcibly();
      }
    }
  }
}
