package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.HeartbeatLoop;
import io.runwarden.testing.LaggingProxy;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An API server slow to accept writes: every request reaches it 1 s late and its answer comes back
 * 1 s later (a proxy in front of it), for the operator and the workers alike. A healthy worker
 * heartbeats every second with a 3 s heartbeat timeout, but each heartbeat waits for the previous
 * one's answer (2 s), and the operator sees each 2 s after the worker stamped it, so up to 4 s
 * apart: judged by the limit alone, the run was failed for its heartbeat though the worker never
 * stopped. The operator's own status writes take as long, and the limits get twice that as grace
 * ({@code ApiLatency}): the healthy run keeps running, while a worker that really stops is still
 * caught.
 *
 * <p>The second case is the one the operator's own writes cannot see: only the workers' path is
 * slow (the proxy in front of them alone, as when the API server's priority and fairness queues the
 * tenants' flows), the operator's writes are fast. The test worker's heartbeat is two requests (the
 * client reads the report before it patches), so a worker heartbeating every 2 s against a 6 s
 * limit lands a heartbeat every 4 s, each seen 3 s after it was stamped: 7 s apart by the limit's
 * clock, and failed by the limit alone. Its own late reports buy its run the grace ({@code
 * ReportLateness}, three times 3 s); a silent worker's run in the same namespace gets none and is
 * failed.
 */
class SlowApiServerIT {

  static final Duration LAG = Duration.ofMillis(1000);

  private final KubernetesClient client = TestCluster.get().client();

  @Test
  void healthyWorkersOfASlowApiServerAreNotFailedAndASilentOneStillIs() throws Exception {
    Path kubeconfig = TestCluster.get().kubeconfig();
    String ns = TestCluster.get().newNamespace("slowapi");
    try (LaggingProxy proxy = LaggingProxy.slowServer(LaggingProxy.serverPort(kubeconfig), LAG);
        OperatorProcess operator = OperatorProcess.startWith(proxy.kubeconfig(kubeconfig));
        KubernetesClient slow =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(proxy.kubeconfig(kubeconfig))))
                .build()) {
      create(ns, "healthy");
      create(ns, "silent");
      await().atMost(Duration.ofSeconds(60)).until(() -> phase(ns, "healthy") == Phase.Pending);
      await().atMost(Duration.ofSeconds(60)).until(() -> phase(ns, "silent") == Phase.Pending);
      // The healthy worker claims and heartbeats over one client, the slow way, as a real worker
      // does (a heartbeat's first request on a new connection through the lag takes three round
      // trips more); the silent one is claimed directly.
      TestWorker healthy = new TestWorker(slow, ns, "healthy", "w1");
      int attempt = healthy.claim();
      new TestWorker(client, ns, "silent", "w2").claim(); // and never heartbeats
      try (HeartbeatLoop beats = new HeartbeatLoop(healthy, attempt, 1000, 0, 1)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> phase(ns, "healthy") == Phase.Running);
        QualificationRunStatus caught =
            await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> status(ns, "silent"), s -> s != null && s.getPhase() == Phase.Failed);
        assertThat(caught.getMessage())
            .as("the silent worker is still caught")
            .contains("No heartbeat");
        // Each heartbeat deadline of the healthy run comes and goes several times in 15 s.
        await()
            .during(Duration.ofSeconds(15))
            .atMost(Duration.ofSeconds(20))
            .until(() -> phase(ns, "healthy") == Phase.Running);
      }
      QualificationRunStatus healthyStatus = status(ns, "healthy");
      assertThat(healthyStatus.getRetryCount()).isZero();
      assertThat(healthyStatus.getAttempt()).isEqualTo(attempt);
      assertThat(healthyStatus.getReason()).isNotEqualTo(Reasons.HEARTBEAT_LOST);
    }
  }

  @Test
  void aWorkerSlowerThanTheOperatorIsCoveredByItsOwnLateReports() throws Exception {
    Path kubeconfig = TestCluster.get().kubeconfig();
    String ns = TestCluster.get().newNamespace("slowworker");
    try (LaggingProxy proxy =
            LaggingProxy.slowServer(
                LaggingProxy.serverPort(kubeconfig), LAG); // the workers' path alone
        OperatorProcess operator = OperatorProcess.startWith(kubeconfig);
        KubernetesClient slow =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(proxy.kubeconfig(kubeconfig))))
                .build()) {
      create(ns, "late", "6s");
      create(ns, "silent", "6s");
      TestWorker late = new TestWorker(slow, ns, "late", "w1");
      int attempt = late.claim();
      new TestWorker(client, ns, "silent", "w2").claim(); // and never heartbeats
      try (HeartbeatLoop beats = new HeartbeatLoop(late, attempt, 2000, 0, 1)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> phase(ns, "late") == Phase.Running);
        QualificationRunStatus caught =
            await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> status(ns, "silent"), s -> s != null && s.getPhase() == Phase.Failed);
        assertThat(caught.getMessage())
            .as("the silent worker's run gets no grace from the late one's reports")
            .contains("No heartbeat")
            .doesNotContain("plus");
        assertThat(operator.metric("runwarden_late_reporting_runs"))
            .as("the late run is counted")
            .isEqualTo(1);
        // A heartbeat every 4 s, each seen 3 s late: by the limit alone it is failed in 7 s.
        await()
            .during(Duration.ofSeconds(12))
            .atMost(Duration.ofSeconds(17))
            .until(() -> phase(ns, "late") == Phase.Running);
        assertThat(beats.completed()).as("heartbeats went through all along").isGreaterThan(3);
      }
      QualificationRunStatus lateStatus = status(ns, "late");
      assertThat(lateStatus.getRetryCount()).isZero();
      assertThat(lateStatus.getAttempt()).isEqualTo(attempt);
    }
  }

  private void create(String ns, String name) {
    create(ns, name, "3s");
  }

  private void create(String ns, String name, String heartbeat) {
    QualificationRun run = RunFixtures.run(name, ns);
    run.getSpec().getTimeouts().setRun("10m");
    run.getSpec().getTimeouts().setStart("2m");
    run.getSpec().getTimeouts().setHeartbeat(heartbeat);
    run.getSpec().setRetry(new io.runwarden.api.v1alpha1.RetryPolicy());
    run.getSpec().getRetry().setMaxRetries(0);
    client.resource(run).create();
  }

  private QualificationRunStatus status(String ns, String name) {
    QualificationRun r =
        client.resources(QualificationRun.class).inNamespace(ns).withName(name).get();
    return r == null ? null : r.getStatus();
  }

  private Phase phase(String ns, String name) {
    QualificationRunStatus s = status(ns, name);
    return s == null ? null : s.getPhase();
  }
}
