package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.HeartbeatLoop;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Restart safety with the packaged operator as a real process: killed with SIGKILL while one run's
 * worker is healthy and the other's dies; after the restart only the dead one is retried.
 */
class RestartIT {

  private final KubernetesClient client = TestCluster.get().client();
  private final String ns = TestCluster.get().newNamespace("restart");
  private final Runs runs = new Runs(client, ns);

  @Test
  void afterARestartOnlyTheRunWhoseHeartbeatExpiredIsRetried() {
    QualificationRun healthy;
    TestWorker deadWorker;
    TestWorker healthyWorker;
    // This test spans about one default progress refresh (15 s): its assertion on the healthy
    // run's mirrored progress raced the first mirror, passing on a slow machine and failing on a
    // fast one (every time with a 60 s refresh). Restart safety does not depend on the throttle.
    try (OperatorProcess first = OperatorProcess.start(OperatorProcess.MIRROR_PROGRESS_AT_ONCE)) {
      create("healthy");
      create("dead");
      runs.awaitPhase("healthy", Phase.Pending);
      runs.awaitPhase("dead", Phase.Pending);
      healthyWorker = new TestWorker(client, ns, "healthy", "w-healthy");
      deadWorker = new TestWorker(client, ns, "dead", "w-dead");
      healthyWorker.claim();
      deadWorker.claim();
      runs.awaitPhase("healthy", Phase.Running);
      runs.awaitPhase("dead", Phase.Running);
      first.kill();
    }
    try (HeartbeatLoop alive = new HeartbeatLoop(healthyWorker, 1, 500, 0, 1)) {
      // While the operator is gone the dead worker's heartbeat expires; nobody acts on it.
      Instant deadExpires =
          Instant.parse(deadWorker.report().getStatus().getHeartbeatAt()).plusSeconds(4);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Instant.now().isAfter(deadExpires.plusSeconds(2)));
      assertThat(runs.get("dead").getStatus().getPhase()).isEqualTo(Phase.Running);

      try (OperatorProcess second =
          OperatorProcess.start(OperatorProcess.MIRROR_PROGRESS_AT_ONCE)) {
        QualificationRun dead =
            await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> runs.get("dead"), r -> r.getStatus().getRetryCount() == 1);
        assertThat(dead.getStatus().getAttempts())
            .first()
            .satisfies(a -> assertThat(a.getReason()).isEqualTo(Reasons.HEARTBEAT_LOST));

        // The healthy run keeps running through the restart, for several heartbeat periods.
        await()
            .during(Duration.ofSeconds(6))
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> {
                  var s = runs.get("healthy").getStatus();
                  return s.getPhase() == Phase.Running
                      && s.getAttempt() == 1
                      && s.getRetryCount() == 0;
                });
        healthy = runs.get("healthy");
        assertThat(healthy.getStatus().getProgress().getCompleted()).isPositive();
        assertThat(
                client.v1().events().inNamespace(ns).list().getItems().stream()
                    .filter(e -> "healthy".equals(e.getInvolvedObject().getName()))
                    .map(Event::getReason))
            .doesNotContain(Reasons.HEARTBEAT_LOST);
      }
    }
  }

  private void create(String name) {
    QualificationRun run = RunFixtures.run(name);
    run.getSpec().getTimeouts().setRun("5m");
    run.getSpec().getTimeouts().setHeartbeat("4s");
    client.resource(run).inNamespace(ns).create();
  }
}
