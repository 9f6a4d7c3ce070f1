package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * nothing: with 2 requests a second (burst 1), five runs created at once are all accepted, no
 * sooner than their requests allow, and the operator counts the wait.
 *
 * <p>The bound counts only what an acceptance cannot do without: the report's create and the run's
 * status write, 10 requests, the first free and each next one half a second later: 4.5 s. Events
 * take their tokens from a bucket of their own (here half an Event a second): they wait there, and
 * the operator counts their wait apart from the decisions'. Without the limit the five are accepted
 * in about a second or less.
 */
class ClientRateLimitIT {

  private static final String DECISIONS = "requests=\"decisions\"";
  private static final String EVENTS = "requests=\"events\"";

  private final KubernetesClient client = TestCluster.get().client();
  private final String ns = TestCluster.get().newNamespace("ratelimit");
  private final Runs runs = new Runs(client, ns);

  @Test
  void requestsOverTheLimitWaitAndNothingIsLost() {
    try (OperatorProcess operator =
        OperatorProcess.start(
            "-Drunwarden.api.qps=2",
            "-Drunwarden.api.burst=1",
            "-Drunwarden.api.events-qps=0.5",
            "-Drunwarden.api.events-burst=1",
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
          .as("5 acceptances (a report create and a status write each) at 2 requests a second")
          .isGreaterThanOrEqualTo(Duration.ofMillis(4_500));
      for (int i = 0; i < 5; i++) {
        assertThat(runs.get("r" + i).getStatus().getAttempt()).isEqualTo(1);
      }
      assertThat(operator.metric("runwarden_api_client_throttled_requests_total", DECISIONS))
          .isGreaterThan(0);
      assertThat(operator.metric("runwarden_api_client_throttled_seconds_total", DECISIONS))
          .isGreaterThan(1.0);
      // Five Accepted events at one every two seconds: they wait in their own bucket.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> operator.metric("runwarden_api_client_throttled_requests_total", EVENTS) > 0);
    }
  }
}
