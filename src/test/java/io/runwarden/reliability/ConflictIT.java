package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * Issue #9: worker reports and operator status writes hit the same object. Two workers racing for
 * one attempt: exactly one wins, the other gets a 409. A worker reporting as fast as it can while
 * the operator keeps writing: no update of either side is lost, and the operator's writes cause
 * neither failed reconciles nor a feedback loop of reconciles.
 */
class ConflictIT {

  private final KubernetesClient client = TestCluster.get().client();

  @Test
  void racingWritersLoseNothingAndCauseNoRetryStorm() throws Exception {
    String opNs = TestCluster.get().newNamespace("conflict-op");
    var kubeconfig = ChartRbac.install("conflict", opNs);
    String ns = TestCluster.get().newNamespace("conflict");
    // Progress mirrored on every report, so the operator writes as often as the worker does.
    try (OperatorProcess operator =
        OperatorProcess.startWith(kubeconfig, OperatorProcess.MIRROR_PROGRESS_AT_ONCE)) {
      create(ns, "contested");
      await().atMost(Duration.ofSeconds(20)).until(() -> status(ns, "contested") != null);

      // Two workers claim attempt 1 from the same resourceVersion: one wins, one gets 409.
      String version =
          new TestWorker(client, ns, "contested", "reader")
              .report()
              .getMetadata()
              .getResourceVersion();
      CyclicBarrier start = new CyclicBarrier(2);
      List<CompletableFuture<String>> claims =
          List.of("w-a", "w-b").stream()
              .map(
                  w ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            TestWorker worker = new TestWorker(client, ns, "contested", w);
                            try {
                              start.await();
                              worker.claimAt(version, 1);
                              return w;
                            } catch (KubernetesClientException e) {
                              return "409".equals(String.valueOf(e.getCode())) ? "conflict" : "?";
                            } catch (Exception e) {
                              return "?";
                            }
                          }))
              .toList();
      List<String> outcomes = claims.stream().map(CompletableFuture::join).toList();
      assertThat(outcomes).containsOnlyOnce("conflict").doesNotContain("?");
      String winner = outcomes.stream().filter(o -> !o.equals("conflict")).findFirst().get();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> status(ns, "contested").getPhase() == Phase.Running);
      TestWorker worker = new TestWorker(client, ns, "contested", winner);
      assertThat(worker.report().getStatus().getWorker()).isEqualTo(winner);

      // The winner reports 200 times as fast as it can while the operator writes after each.
      double reconcilesBefore =
          operator.metric("operator_sdk_controllers_execution_reconcile_seconds_count");
      for (long done = 1; done <= 200; done++) {
        worker.heartbeat(1, done, "item=" + done);
      }
      QualificationRunStatus s =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> status(ns, "contested"),
                  st ->
                      st.getProgress() != null
                          && Long.valueOf(200).equals(st.getProgress().getCompleted()));
      assertThat(worker.report().getStatus().getCompleted())
          .as("the worker's last report")
          .isEqualTo(200);
      assertThat(worker.report().getStatus().getCheckpoint()).isEqualTo("item=200");
      assertThat(s.getCheckpoint()).as("the operator's copy").isEqualTo("item=200");
      assertThat(s.getPhase()).isEqualTo(Phase.Running);
      double reconciles =
          operator.metric("operator_sdk_controllers_execution_reconcile_seconds_count")
              - reconcilesBefore;
      assertThat(reconciles)
          .as("at most one reconcile per report: the operator's own writes trigger none")
          .isLessThanOrEqualTo(200 + 5);
      assertThat(operator.metric("operator_sdk_controllers_execution_reconcile_failure_total"))
          .as("no reconcile failed on a conflict")
          .isZero();
    }
  }

  private void create(String ns, String name) {
    QualificationRun run = RunFixtures.run(name, ns);
    QualificationRunSpec spec = run.getSpec();
    spec.setTotal(1000L);
    spec.getTimeouts().setStart("10m");
    spec.getTimeouts().setHeartbeat("1m");
    client.resource(run).create();
  }

  private QualificationRunStatus status(String ns, String name) {
    QualificationRun r =
        client.resources(QualificationRun.class).inNamespace(ns).withName(name).get();
    return r == null ? null : r.getStatus();
  }
}
