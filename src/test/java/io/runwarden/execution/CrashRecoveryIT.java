package io.runwarden.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.Timeouts;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The states a SIGKILL can leave between "decided to retry" and "created the Job", recreated
 * exactly, then the packaged operator started: it must end with one Job for attempt 2, never two.
 */
class CrashRecoveryIT {

  private final KubernetesClient client = TestCluster.get().client();
  private final String ns = TestCluster.get().newNamespace("crash");
  private final Runs runs = new Runs(client, ns);

  @Test
  void exactlyOneJobForTheNextAttemptWhereverTheCrashHappened() {
    // Killed after creating attempt 2's Job, before writing the status that says so.
    QualificationRun jobFirst = create("job-first");
    writeStatus(jobFirst, Phase.Retrying, 1);
    client.resource(jobFor(jobFirst, 2)).create();
    // Killed after writing "attempt 2 Pending", before creating its Job.
    QualificationRun statusFirst = create("status-first");
    writeStatus(statusFirst, Phase.Pending, 2);

    String adoptedUid =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns)
            .withName("job-first-2")
            .get()
            .getMetadata()
            .getUid();
    try (OperatorProcess operator = OperatorProcess.start()) {
      for (String run : List.of("job-first", "status-first")) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> runs.get(run).getStatus(),
                s ->
                    s.getAttempt() == 2
                        && s.getPhase() == Phase.Pending
                        && (run + "-2").equals(s.getJobName()));
        // Several reconciles later (the Job informer's events among them) it is still one.
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(5))
            .until(() -> jobsOf(run).size() == 1);
        assertThat(jobsOf(run))
            .extracting(j -> j.getMetadata().getName())
            .containsExactly(run + "-2");
      }
      assertThat(
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace(ns)
                  .withName("job-first-2")
                  .get()
                  .getMetadata()
                  .getUid())
          .as("the Job the crashed operator created is adopted, not replaced")
          .isEqualTo(adoptedUid);
    }
  }

  private QualificationRun create(String name) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    QualificationRunSpec spec = new QualificationRunSpec();
    spec.setTimeouts(new Timeouts());
    spec.getTimeouts().setRun("10m");
    spec.getTimeouts().setStart("5m");
    AttemptJobSpec job = new AttemptJobSpec();
    job.setTemplate(RunFixtures.template("example.org/w:1"));
    spec.setJob(job);
    run.setSpec(spec);
    return client.resource(run).create();
  }

  /** What the operator had written before it died (its own fields, as it writes them). */
  private void writeStatus(QualificationRun run, Phase phase, int attempt) {
    Instant now = Instant.now();
    Map<String, Object> status =
        Map.of(
            "phase", phase.name(),
            "attempt", attempt,
            "retryCount", 1,
            "maxRetries", 2,
            "startedAt", now.minusSeconds(60).toString(),
            "attemptStartedAt", now.minusSeconds(30).toString(),
            "timeoutAt", now.plusSeconds(540).toString(),
            "nextRetryAt", now.minusSeconds(1).toString());
    client
        .resources(QualificationRun.class)
        .inNamespace(ns)
        .withName(run.getMetadata().getName())
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            client.getKubernetesSerialization().asJson(Map.of("status", status)));
  }

  private Job jobFor(QualificationRun run, int attempt) {
    return AttemptJobs.build(
        runs.get(run.getMetadata().getName()),
        attempt,
        null,
        null,
        Duration.ofMinutes(10),
        client.getKubernetesSerialization());
  }

  private List<Job> jobsOf(String run) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withLabel(AttemptJobs.LABEL_RUN, run)
        .list()
        .getItems();
  }
}
