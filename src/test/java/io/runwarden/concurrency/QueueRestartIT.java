package io.runwarden.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The queue is rebuilt from the API server after a SIGKILL: still one holder, still in order. */
class QueueRestartIT {

  private final KubernetesClient client = TestCluster.get().client();
  private final String ns = TestCluster.get().newNamespace("queue-restart");
  private final Runs runs = new Runs(client, ns);

  @Test
  void aKeyReleasedWhileTheOperatorWasDownGoesToTheNextRunInOrder() {
    try (OperatorProcess first = OperatorProcess.start()) {
      for (String name : new String[] {"q1", "q2", "q3"}) {
        create(name);
        await().atMost(Duration.ofSeconds(20)).until(() -> runs.get(name).getStatus() != null);
      }
      assertThat(queued("q1")).isFalse();
      assertThat(queued("q2")).isTrue();
      assertThat(queued("q3")).isTrue();
      first.kill();
    }
    TestWorker w = new TestWorker(client, ns, "q1", "w");
    w.succeed(w.claim(), 1); // the holder finishes while nobody watches
    try (OperatorProcess second = OperatorProcess.start()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> runs.get("q1").getStatus().getPhase() == Phase.Succeeded);
      await().atMost(Duration.ofSeconds(20)).until(() -> !queued("q2"));
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> queued("q3"));
    }
  }

  private void create(String name) {
    QualificationRun run = RunFixtures.run(name, ns);
    QualificationRunSpec spec = run.getSpec();
    spec.getTimeouts().setRun("5m");
    ConcurrencySpec c = new ConcurrencySpec();
    c.setKey("dataset-7");
    spec.setConcurrency(c);
    client.resource(run).create();
  }

  private boolean queued(String name) {
    return Conditions.isTrue(runs.get(name).getStatus().getConditions(), ConditionTypes.QUEUED);
  }
}
