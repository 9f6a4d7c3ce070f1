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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conformance, the scenario that needs the API server to go away: kube-apiserver is down for 10 s
 * while every library's worker is mid-run (one run each, all at once, so the suite pays for one
 * restart). Each worker goes on working; its reports fail meanwhile and are retried; once the
 * server is back the newest progress and the outcome arrive. No report is lost, no worker is
 * cancelled, every run succeeds on its first attempt. The operator runs as its own process (the
 * restart would take an in-process one down with the test).
 */
class WorkerApiServerRestartIT {

  private final KubernetesClient client = TestCluster.get().client();

  @Test
  void anApiServerRestartMidRunLosesNoReport() throws Exception {
    String opNs = TestCluster.get().newNamespace("wrestart-op");
    Path kubeconfig = ChartRbac.install("wrestart", opNs);
    String ns = TestCluster.get().newNamespace("wrestart");
    Runs runs = new Runs(client, ns);
    List<Library> libraries = WorkerConformanceTest.libraries().toList();
    Map<String, Worker> workers = new LinkedHashMap<>();
    try (OperatorProcess operator = OperatorProcess.startWith(kubeconfig)) {
      for (Library lib : libraries) {
        QualificationRun run = RunFixtures.run(lib.name(), ns);
        run.getSpec().getTimeouts().setRun("5m");
        run.getSpec().getTimeouts().setHeartbeat("40s"); // longer than the outage and recovery
        client.resources(QualificationRun.class).inNamespace(ns).resource(run).create();
        WorkerConformanceTest.oneRunRole(client, ns, lib.name());
        workers.put(
            lib.name(),
            WorkerConformanceTest.launch(
                lib,
                ns,
                lib.name(),
                "w-1",
                Map.of("CONFORMANCE_ITEMS", "40", "CONFORMANCE_ITEM_MS", "500")));
      }
      try {
        for (Library lib : libraries) {
          await().atMost(Runs.WAIT).until(() -> reported(ns, lib.name()) > 0);
        }

        TestCluster.get().restartApiServer(Duration.ofSeconds(10));

        for (Library lib : libraries) {
          QualificationRun done =
              await()
                  .atMost(Duration.ofMinutes(2))
                  .ignoreExceptions()
                  .until(
                      () -> runs.get(lib.name()),
                      r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Succeeded);
          Worker w = workers.get(lib.name());
          assertThat(w.exitCode()).as(lib.name()).isZero();
          assertThat(w.has("cancelled")).as(lib.name()).isFalse();
          assertThat(done.getStatus().getAttempt()).as(lib.name()).isEqualTo(1);
          assertThat(done.getStatus().getProgress().getCompleted()).as(lib.name()).isEqualTo(40L);
          assertThat(done.getStatus().getCheckpoint()).as(lib.name()).isEqualTo("item-40");
        }
      } finally {
        workers.values().forEach(w -> w.process.destroyForcibly());
      }
    }
  }

  /** Items the worker has reported so far (its report, not the run's lazily mirrored status). */
  private long reported(String ns, String name) {
    var r =
        client
            .resources(io.runwarden.api.v1alpha1.QualificationRunReport.class)
            .inNamespace(ns)
            .withName(name)
            .get();
    return r == null || r.getStatus() == null || r.getStatus().getCompleted() == null
        ? 0
        : r.getStatus().getCompleted();
  }
}
