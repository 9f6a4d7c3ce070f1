package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator's start-up as the kubelet sees it (io.runwarden.health.OperatorStart): the
 * probes answer while the informers fill, and a start that cannot succeed ends the process.
 */
class StartupIT {

  private final KubernetesClient client = TestCluster.get().client();

  /**
   * At 0.5 requests a second (burst 1) the operator's start-up requests (the CRD checks and one
   * list per informer) take several seconds, while Quarkus opens its port within its own start-up.
   * In that window liveness says alive and the startup and readiness probes say not yet; then all
   * three pass. Started in line before the port, as before, nothing answered until the informers
   * were filled, so the first answer already said started.
   */
  @Test
  void probesAnswerWhileTheInformersFill() {
    String ns = TestCluster.get().newNamespace("startup");
    try (OperatorProcess operator =
        OperatorProcess.launch(
            TestCluster.get().kubeconfig(),
            "-Drunwarden.api.qps=0.5",
            "-Drunwarden.api.burst=1",
            "-Dquarkus.operator-sdk.controllers.qualificationrun.namespaces=" + ns)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> operator.status("/q/health/live") == 200);
      assertThat(operator.status("/q/health/started"))
          .as("startup probe while the informers fill")
          .isEqualTo(503);
      assertThat(operator.status("/q/health/ready"))
          .as("readiness while the informers fill")
          .isEqualTo(503);
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  operator.status("/q/health/started") == 200
                      && operator.status("/q/health/ready") == 200);
      assertThat(operator.status("/q/health/live")).isEqualTo(200);
    }
  }

  /**
   * A service account bound to nothing may not read the CRDs or list runs: the start fails, and the
   * process exits with status 1 (a pod that crash-loops) instead of staying up unready.
   */
  @Test
  void aStartThatFailsExitsTheProcess() {
    String ns = TestCluster.get().newNamespace("startup-denied");
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("nobody").endMetadata().build())
        .create();
    try (OperatorProcess operator = OperatorProcess.launch(ChartRbac.kubeconfigFor("nobody", ns))) {
      assertThat(operator.awaitExit(Duration.ofSeconds(90))).isEqualTo(1);
    }
  }
}
