package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
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
 * An error in a reconcile never costs a run its deadline. Here every attempt Job, or every report,
 * is refused with a 403 (a quota that allows none). That refusal used to escape the reconcile, so
 * the status, timers included, was never written, and once JOSDK gave up retrying (here after one
 * retry) nothing woke the run again. Now the refusal is a recorded result: the attempt waits, the
 * Job is asked for again every few seconds, and the deadline is enforced on time.
 */
class ReconcileErrorIT {

  private final KubernetesClient client = TestCluster.get().client();

  @Test
  void aRunWhoseJobsAreAllRefusedStillMeetsItsDeadline() throws Exception {
    String ns = TestCluster.get().newNamespace("reconcile-error");
    quotaOfNone(ns, "count/jobs.batch");

    try (OperatorProcess operator =
        OperatorProcess.start(
            "-Dquarkus.operator-sdk.controllers.qualificationrun.retry.max-attempts=1")) {
      QualificationRun run = RunFixtures.run("refused", ns);
      run.getSpec().getTimeouts().setRun("12s");
      AttemptJobSpec job = new AttemptJobSpec();
      job.setTemplate(RunFixtures.template("x.example/w:1"));
      run.getSpec().setJob(job);
      client.resource(run).create();

      failsOnTimeAtItsDeadline(run);
      assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems())
          .as("every Job refused")
          .isEmpty();
      assertThat(Files.readString(operator.log())).contains("exceeded quota");
    }
  }

  /**
   * Every report refused (a quota on the workers' channel): opening the attempt to workers failed
   * before the status write, so each reconcile threw at the same place, the status (timers
   * included) was never written and the deadline passed unenforced, however often the run was
   * woken. Now the refusal is recorded (an event), the status is written, the open is retried every
   * few seconds, and the deadline is enforced on time.
   */
  @Test
  void aRunWhoseReportIsRefusedStillMeetsItsDeadline() throws Exception {
    String ns = TestCluster.get().newNamespace("report-refused");
    quotaOfNone(ns, "count/qualificationrunreports.runwarden.io");
    try (OperatorProcess operator = OperatorProcess.start()) {
      QualificationRun run = RunFixtures.run("unreported", ns);
      run.getSpec().getTimeouts().setRun("12s");
      run.getSpec().getTimeouts().setStart("1h");
      client.resource(run).create();

      failsOnTimeAtItsDeadline(run);
      assertThat(client.resources(QualificationRunReport.class).inNamespace(ns).list().getItems())
          .as("every report refused")
          .isEmpty();
      assertThat(client.v1().events().inNamespace(ns).list().getItems())
          .as("the refusal is recorded where users look, more than once as it is retried")
          .anySatisfy(
              e -> {
                assertThat(e.getReason()).isEqualTo(Reasons.REPORT_REFUSED);
                assertThat(e.getMessage()).contains("exceeded quota");
                assertThat(e.getCount()).isGreaterThan(1);
              });
    }
  }

  /** The run fails DeadlineExceeded, seen within 2 s of its deadline. */
  private void failsOnTimeAtItsDeadline(QualificationRun run) {
    QualificationRun failed =
        await()
            .atMost(Duration.ofSeconds(40))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> client.resource(run).get(),
                r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Failed);
    Instant seen = Instant.now();
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
    assertThat(Duration.between(Instant.parse(failed.getStatus().getTimeoutAt()), seen))
        .as("enforced on time")
        .isLessThan(Duration.ofSeconds(2));
  }

  /** A ResourceQuota allowing none of {@code resource}. */
  private void quotaOfNone(String ns, String resource) {
    ResourceQuota none =
        client
            .resource(
                new ResourceQuotaBuilder()
                    .withNewMetadata()
                    .withName("none")
                    .withNamespace(ns)
                    .endMetadata()
                    .withNewSpec()
                    .withHard(Map.of(resource, new Quantity("0")))
                    .endSpec()
                    .build())
            .create();
    // No quota controller runs here: set what it would have computed.
    none.setStatus(
        new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
            .withHard(Map.of(resource, new Quantity("0")))
            .withUsed(Map.of(resource, new Quantity("0")))
            .build());
    client.resource(none).updateStatus();
  }
}
