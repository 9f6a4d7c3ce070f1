package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The operator's client-side rate limit holds its requests to {@code runwarden.api.qps} and loses
 * nothing: with 2 requests a second (burst 1), eight runs created at once are all accepted, no
 * sooner than their requests allow (each acceptance is a status write and a report create, plus its
 * event: at least 16 requests, 7.5 s at 2 a second), and the operator counts the wait.
 */
class ClientRateLimitIT {

  private final KubernetesClient client = TestCluster.get().client();
  private final String ns = TestCluster.get().newNamespace("ratelimit");
  private final Runs runs = new Runs(client, ns);

  @Test
  void requestsOverTheLimitWaitAndNothingIsLost() {
    try (OperatorProcess operator =
        OperatorProcess.start(
            "-Drunwarden.api.qps=2",
            "-Drunwarden.api.burst=1",
            "-Dquarkus.operator-sdk.controllers.qualificationrun.namespaces=" + ns)) {
      Instant created = Instant.now();
      for (int i = 0; i < 5; i++) {
        client.resource(RunFixtures.run("r" + i, ns)).create();
      }
      for (int i = 0; i < 5; i++) {
        runs.awaitPhase("r" + i, Phase.Pending, Duration.ofSeconds(90));
      }
      Duration took = Duration.between(created, Instant.now());
      assertThat(took)
          .as("8 acceptances at 2 requests a second")
          .isGreaterThan(Duration.ofSeconds(5));
      for (int i = 0; i < 5; i++) {
        assertThat(runs.get("r" + i).getStatus().getAttempt()).isEqualTo(1);
      }
      assertThat(operator.metric("runwarden_api_client_throttled_requests_total")).isGreaterThan(0);
      assertThat(operator.metric("runwarden_api_client_throttled_seconds_total"))
          .isGreaterThan(1.0);
    }
  }
}
