package io.runwarden.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.WorkerAccess;
import io.runwarden.testing.RunFixtures;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Names, labels and the Job object of an attempt: the same inputs, the same Job. */
@Tag("pure")
class AttemptJobsTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @ParameterizedTest(name = "{0} attempt {1} -> {2}")
  @CsvSource({
    "llm-batch-42, 1, llm-batch-42-1",
    "llm-batch-42, 12, llm-batch-42-12",
  })
  void jobNamesAreTheRunAndTheAttempt(String run, int attempt, String job) {
    assertThat(AttemptJobs.jobName(run, attempt)).isEqualTo(job);
  }

  @Test
  void longNamesAreShortenedWithAHashAndStayDistinct() {
    String a = "portal-scraper-" + "x".repeat(60) + "-team-a";
    String b = "portal-scraper-" + "x".repeat(60) + "-team-b";

    String fits = "a".repeat(61);
    String ja = AttemptJobs.jobName(a, 3);

    assertThat(AttemptJobs.jobName(fits, 1)).isEqualTo(fits + "-1"); // 63 characters: as it is

    assertThat(ja).hasSizeLessThanOrEqualTo(63).endsWith("-3").startsWith("portal-scraper-");
    assertThat(ja).isEqualTo(AttemptJobs.jobName(a, 3)); // deterministic: a second create finds it
    assertThat(ja).isNotEqualTo(AttemptJobs.jobName(b, 3));
    assertThat(AttemptJobs.runLabel(a)).hasSizeLessThanOrEqualTo(63);
    // A prefix ending in '-' or '.' would make an invalid name before the hash.
    assertThat(AttemptJobs.shorten("a".repeat(52) + "-.-" + "b".repeat(20), ""))
        .doesNotContain("--")
        .doesNotContain(".-");
  }

  @ParameterizedTest(name = "label {0} -> {1}")
  @CsvSource(
      value = {"3, 3", "0012, 12", "x, ", "'', ", "NULL, "},
      nullValues = "NULL")
  void theAttemptOfAnObjectComesFromItsLabel(String label, Integer attempt) {
    var pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();
    if (label != null) pod.getMetadata().setLabels(Map.of(AttemptJobs.LABEL_ATTEMPT, label));

    assertThat(AttemptJobs.attemptOf(pod)).isEqualTo(Optional.ofNullable(attempt));
  }

  @Test
  void theJobRunsOnePodOnceOwnedByTheRunWithItsIdentityInTheEnvironment() {
    QualificationRun run = managedRun();
    run.getSpec()
        .getJob()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setEnv(
            new java.util.ArrayList<>(
                java.util.List.of(
                    new EnvVar("RUNWARDEN_ATTEMPT", "999", null),
                    new EnvVar("MODEL", "small", null))));

    Job job = AttemptJobs.build(run, 2, "page=7", "svc-1", Duration.ofSeconds(90), SERIALIZATION);

    assertThat(job.getMetadata().getName()).isEqualTo("llm-batch-42-2");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("team", "scrapers")
        .containsEntry(AttemptJobs.LABEL_RUN, "llm-batch-42")
        .containsEntry(AttemptJobs.LABEL_ATTEMPT, "2");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo("uid-42");
              assertThat(o.getController()).isTrue();
            });
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(90);
    var pod = job.getSpec().getTemplate();
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getMetadata().getLabels()).containsEntry(AttemptJobs.LABEL_ATTEMPT, "2");
    Map<String, String> env =
        pod.getSpec().getContainers().get(0).getEnv().stream()
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsEntry("MODEL", "small")
        .containsEntry(AttemptJobs.ENV_RUN, "llm-batch-42")
        .containsEntry(AttemptJobs.ENV_NAMESPACE, "team-a")
        .containsEntry(AttemptJobs.ENV_ATTEMPT, "2") // the worker's own value cannot lie about it
        .containsEntry(AttemptJobs.ENV_CHECKPOINT, "page=7")
        .containsEntry(AttemptJobs.ENV_SERVICE_JOB_ID, "svc-1");
    assertThat(pod.getSpec().getServiceAccountName()).isNull();
    // The run's template (the informer cache's object) is not changed.
    assertThat(run.getSpec().getJob().getTemplate().getSpec().getRestartPolicy()).isNull();
    assertThat(run.getSpec().getJob().getTemplate().getSpec().getContainers().get(0).getEnv())
        .hasSize(2);
  }

  @Test
  void anOwnRunJobRunsUnderTheRunsOwnAccountAndTheSameInputsGiveTheSameJob() {
    QualificationRun run = managedRun();
    run.getSpec().getJob().setWorkerAccess(WorkerAccess.OwnRun);

    Job first = AttemptJobs.build(run, 1, null, null, Duration.ofMinutes(5), SERIALIZATION);
    Job again = AttemptJobs.build(run, 1, null, null, Duration.ofMinutes(5), SERIALIZATION);

    assertThat(first.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(WorkerCredentials.name("llm-batch-42"));
    assertThat(first).isEqualTo(again);
    assertThat(first.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain(AttemptJobs.ENV_CHECKPOINT, AttemptJobs.ENV_SERVICE_JOB_ID);
  }

  private static QualificationRun managedRun() {
    QualificationRun run = RunFixtures.run("llm-batch-42", "team-a");
    run.getMetadata().setUid("uid-42");
    AttemptJobSpec job = new AttemptJobSpec();
    job.setLabels(Map.of("team", "scrapers"));
    job.setTemplate(RunFixtures.template("registry.example.com/scraper:1.4"));
    run.getSpec().setJob(job);
    return run;
  }
}
