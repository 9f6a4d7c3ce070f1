package io.runwarden.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.runwarden.lifecycle.AttemptObservation;
import io.runwarden.lifecycle.AttemptObservation.State;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How an attempt reads from its Job and pods, as a table: Job and pods in, state and detail out.
 */
@Tag("pure")
class JobObserverTest {

  static Job job(String... trueConditions) {
    JobBuilder b =
        new JobBuilder()
            .withNewMetadata()
            .withName("r-1")
            .endMetadata()
            .withNewStatus()
            .endStatus();
    for (String c : trueConditions) {
      String[] typeReason = c.split(":", 2);
      b.editStatus()
          .addToConditions(
              new JobConditionBuilder()
                  .withType(typeReason[0])
                  .withStatus("True")
                  .withReason(typeReason.length > 1 ? typeReason[1] : null)
                  .withMessage(
                      typeReason.length > 1 ? "Job was active longer than specified" : null)
                  .build())
          .endStatus();
    }
    return b.build();
  }

  static Job deleting(Job job) {
    job.getMetadata().setDeletionTimestamp("2026-12-02T10:00:00Z");
    return job;
  }

  static Pod pod(String name, String phase, UnaryOperator<PodBuilder> more) {
    return more.apply(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(Map.of(AttemptJobs.LABEL_ATTEMPT, "1"))
                .endMetadata()
                .withNewStatus()
                .withPhase(phase)
                .endStatus())
        .build();
  }

  static Pod running(String name) {
    return pod(name, "Running", b -> b);
  }

  static Pod waiting(String reason) {
    return pod(
        "p",
        "Pending",
        b ->
            b.editStatus()
                .addToContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName("w")
                        .withNewState()
                        .withNewWaiting()
                        .withReason(reason)
                        .withMessage("Back-off pulling image \"nope:1\"")
                        .endWaiting()
                        .endState()
                        .build())
                .endStatus());
  }

  static Pod exited(int code, String message) {
    return pod(
        "p",
        "Failed",
        b ->
            b.editStatus()
                .addToContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName("w")
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(code)
                        .withReason("Error")
                        .withMessage(message)
                        .endTerminated()
                        .endState()
                        .build())
                .endStatus());
  }

  static Pod evicted() {
    return pod(
        "p",
        "Failed",
        b ->
            b.editStatus()
                .withReason("Evicted")
                .withMessage("The node was low on resource: memory.")
                .endStatus());
  }

  static Pod disruptionTarget() {
    return pod(
        "p",
        "Failed",
        b ->
            b.editStatus()
                .addToConditions(
                    new PodConditionBuilder()
                        .withType("DisruptionTarget")
                        .withStatus("True")
                        .withReason("PreemptionByScheduler")
                        .withMessage("preempted by a higher priority pod")
                        .build())
                .endStatus());
  }

  static Pod unschedulable() {
    return pod(
        "p",
        "Pending",
        b ->
            b.editStatus()
                .addToConditions(
                    new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage("0/3 nodes are available")
                        .build())
                .endStatus());
  }

  static Arguments row(
      String name, Job job, List<Pod> pods, State state, String worker, String detail) {
    return Arguments.of(name, job, pods, state, worker, detail);
  }

  static Stream<Arguments> table() {
    Pod beingDeleted = running("p");
    beingDeleted.getMetadata().setDeletionTimestamp("2026-12-02T10:00:00Z");
    return Stream.of(
        row("no Job yet", null, List.of(), State.NotCreated, null, "waiting for the Job's pod"),
        row("a Job whose pod has not started", job(), List.of(), State.Created, null, "waiting"),
        row(
            "a running pod starts the attempt",
            job(),
            List.of(running("p-x")),
            State.Started,
            "p-x",
            "pod running"),
        row(
            "a pod being deleted does not count as running",
            job(),
            List.of(beingDeleted),
            State.Created,
            null,
            "waiting"),
        row("Complete", job("Complete"), List.of(), State.Succeeded, null, "Job r-1 completed"),
        row(
            "Failed, with the container's exit code and its own words",
            job("Failed:BackoffLimitExceeded"),
            List.of(exited(2, "bad argument\nsee docs")),
            State.Failed,
            "p",
            "pod p container w exited 2 (Error): bad argument\\nsee docs"),
        row(
            "Failed without a pod: the Job's reason",
            job("Failed:DeadlineExceeded"),
            List.of(),
            State.Failed,
            null,
            "Job r-1 failed: DeadlineExceeded: Job was active longer than specified"),
        row(
            "an image that cannot be pulled blocks the start",
            job(),
            List.of(waiting("ImagePullBackOff")),
            State.Waiting,
            "p",
            "pod p container w: ImagePullBackOff: Back-off pulling image \"nope:1\""),
        row(
            "an ordinary wait (ContainerCreating) is not a block",
            job(),
            List.of(waiting("ContainerCreating")),
            State.Created,
            null,
            "waiting"),
        row(
            "an unschedulable pod blocks the start",
            job(),
            List.of(unschedulable()),
            State.Waiting,
            "p",
            "pod p Unschedulable: 0/3 nodes are available"),
        row(
            "a completed Job being deleted no longer decides the outcome",
            deleting(job("Complete")),
            List.of(),
            State.Created,
            null,
            "waiting"),
        row(
            "pods left after their Job was deleted",
            null,
            List.of(running("p")),
            State.Started,
            "p",
            "pod running"),
        row(
            "a failed Job whose pod was evicted is a disruption, not a failure",
            job("Failed:BackoffLimitExceeded"),
            List.of(evicted()),
            State.Disrupted,
            "p",
            "pod p Evicted: The node was low on resource: memory."),
        row(
            "a DisruptionTarget condition (Kubernetes 1.26+) is a disruption too",
            job("Failed:BackoffLimitExceeded"),
            List.of(disruptionTarget()),
            State.Disrupted,
            "p",
            "pod p disrupted (PreemptionByScheduler"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void observation(
      String name, Job job, List<Pod> pods, State state, String worker, String detail) {
    AttemptObservation o = JobObserver.observation(job, pods);

    assertThat(o.state()).isEqualTo(state);
    assertThat(o.worker()).isEqualTo(worker);
    assertThat(o.detail()).startsWith(detail);
  }

  @Test
  void aTerminationMessageIsEscapedAndCapped() {
    AttemptObservation o =
        JobObserver.observation(
            job("Failed:BackoffLimitExceeded"), List.of(exited(1, "x".repeat(100_000))));

    assertThat(o.detail()).hasSizeLessThan(JobObserver.TERMINATION_MESSAGE_CAP + 100);
  }

  @Test
  void attemptsAreGroupedByTheirLabelAndOnlyLivePodsCount() {
    Job j1 = job("Failed:BackoffLimitExceeded");
    j1.getMetadata().setLabels(Map.of(AttemptJobs.LABEL_ATTEMPT, "1"));
    Job j2 = job();
    j2.getMetadata().setLabels(Map.of(AttemptJobs.LABEL_ATTEMPT, "2"));
    Job foreign = job("Complete");
    Pod finished = exited(3, "no");
    Pod live = running("p2");
    live.getMetadata().setLabels(Map.of(AttemptJobs.LABEL_ATTEMPT, "2"));
    Pod unlabelled = running("q");
    unlabelled.getMetadata().setLabels(Map.of());

    Map<Integer, ObservedAttempt> seen =
        JobObserver.observe(List.of(j1, j2, foreign), List.of(finished, live, unlabelled));

    assertThat(seen).containsOnlyKeys(1, 2);
    assertThat(seen.get(1).livePods()).isEmpty();
    assertThat(seen.get(1).observation().state()).isEqualTo(State.Failed);
    assertThat(seen.get(1).observation().detail()).contains("exited 3");
    assertThat(seen.get(2).livePods()).containsExactly(live);
    assertThat(seen.get(2).observation().state()).isEqualTo(State.Started);
  }
}
