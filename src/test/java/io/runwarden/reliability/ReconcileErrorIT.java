package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An error in a reconcile never costs a run its deadline. Here every attempt Job is refused with a
 * 403 (a quota that allows none). That refusal used to escape the reconcile, so the status, timers
 * included, was never written, and once JOSDK gave up retrying (here after one retry) nothing woke
 * the run again. Now the refusal is a recorded result: the attempt waits, the Job is asked for
 * again every few seconds, and the deadline is enforced on time.
 */
class ReconcileErrorIT {

  private final KubernetesClient client = TestCluster.get().client();

  @Test
  void aRunWhoseJobsAreAllRefusedStillMeetsItsDeadline() throws Exception {
    String ns = TestCluster.get().newNamespace("reconcile-error");
    ResourceQuota none =
        client
            .resource(
                new ResourceQuotaBuilder()
                    .withNewMetadata()
                    .withName("no-jobs")
                    .withNamespace(ns)
                    .endMetadata()
                    .withNewSpec()
                    .withHard(Map.of("count/jobs.batch", new Quantity("0")))
                    .endSpec()
                    .build())
            .create();
    // No quota controller runs here: set what it would have computed.
    none.setStatus(
        new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
            .withHard(Map.of("count/jobs.batch", new Quantity("0")))
            .withUsed(Map.of("count/jobs.batch", new Quantity("0")))
            .build());
    client.resource(none).updateStatus();

    try (OperatorProcess operator =
        OperatorProcess.start(
            "-Dquarkus.operator-sdk.controllers.qualificationrun.retry.max-attempts=1")) {
      QualificationRun run = RunFixtures.run("refused", ns);
      run.getSpec().getTimeouts().setRun("12s");
      AttemptJobSpec job = new AttemptJobSpec();
      job.setTemplate(
          new PodTemplateSpecBuilder()
              .withNewSpec()
              .withContainers(
                  new ContainerBuilder().withName("w").withImage("x.example/w:1").build())
              .endSpec()
              .build());
      run.getSpec().setJob(job);
      client.resource(run).create();

      QualificationRun failed =
          await()
              .atMost(Duration.ofSeconds(40))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> client.resource(run).get(),
                  r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Failed);
      Instant seen = Instant.now();
      assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
      assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems())
          .as("every Job refused")
          .isEmpty();
      assertThat(Duration.between(Instant.parse(failed.getStatus().getTimeoutAt()), seen))
          .as("enforced on time")
          .isLessThan(Duration.ofSeconds(2));
      assertThat(Files.readString(operator.log())).contains("exceeded quota");
    }
  }
}
