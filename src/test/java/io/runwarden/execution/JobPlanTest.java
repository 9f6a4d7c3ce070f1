package io.runwarden.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.lifecycle.AttemptObservation;
import io.runwarden.lifecycle.AttemptObservation.State;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which attempt Jobs should exist, as a table (the Job controller's tests are written the same
 * way): the run's phase and attempt and what the informers show in, the plan out.
 */
@Tag("pure")
class JobPlanTest {

  /** What the informers show of one attempt. */
  record Seen(int attempt, boolean job, int livePods, State state) {
    ObservedAttempt observed() {
      Job j =
          job
              ? new JobBuilder().withNewMetadata().withName("r-" + attempt).endMetadata().build()
              : null;
      List<Pod> pods =
          Stream.generate(
                  () -> new PodBuilder().withNewMetadata().withName("p").endMetadata().build())
              .limit(livePods)
              .toList();
      return new ObservedAttempt(attempt, j, pods, AttemptObservation.of(state, null, null));
    }
  }

  static Seen job(int attempt, State state) {
    return new Seen(attempt, true, state == State.Started ? 1 : 0, state);
  }

  static Seen podsOnly(int attempt, int live) {
    return new Seen(attempt, false, live, State.Created);
  }

  static Arguments row(
      String name, Phase phase, int attempt, List<Seen> seen, Integer create, Integer... delete) {
    return Arguments.of(
        name, phase, attempt, seen, Optional.ofNullable(create), Arrays.asList(delete));
  }

  static Stream<Arguments> table() {
    return Stream.of(
        row("a new attempt with nothing left is created", Phase.Pending, 1, List.of(), 1),
        row(
            "an attempt whose Job exists is left alone",
            Phase.Running,
            1,
            List.of(job(1, State.Started)),
            null),
        row(
            "the previous attempt's Job goes first; the next waits until it is gone",
            Phase.Pending,
            2,
            List.of(job(1, State.Failed)),
            null,
            1),
        row(
            "pods of the previous attempt whose Job is gone still block the next",
            Phase.Pending,
            2,
            List.of(podsOnly(1, 1)),
            null,
            1),
        row(
            "finished pods of the previous attempt do not block the next",
            Phase.Pending,
            2,
            List.of(podsOnly(1, 0)),
            2),
        row(
            "a retrying run has no active Job",
            Phase.Retrying,
            1,
            List.of(job(1, State.Started)),
            null,
            1),
        row(
            "a suspended run has no active Job",
            Phase.Suspended,
            1,
            List.of(job(1, State.Created)),
            null,
            1),
        row(
            "a finished run keeps its last attempt's finished Job for the logs",
            Phase.Succeeded,
            2,
            List.of(job(2, State.Succeeded)),
            null),
        row(
            "a failed run's still-running Job is deleted",
            Phase.Failed,
            2,
            List.of(job(2, State.Started)),
            null,
            2),
        row(
            "a finished run keeps only its last attempt's Job",
            Phase.Failed,
            2,
            List.of(job(1, State.Failed), job(2, State.Failed)),
            null,
            1),
        row(
            "the current attempt's Job missing while its pods live is created again",
            Phase.Running,
            2,
            List.of(podsOnly(2, 1)),
            2),
        row(
            "every other attempt's leftovers are deleted at once",
            Phase.Pending,
            3,
            List.of(job(1, State.Failed), podsOnly(2, 2)),
            null,
            1,
            2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plan(
      String name,
      Phase phase,
      int attempt,
      List<Seen> seen,
      Optional<Integer> create,
      List<Integer> delete) {
    QualificationRunStatus status = new QualificationRunStatus();
    status.setPhase(phase);
    status.setAttempt(attempt);
    Map<Integer, ObservedAttempt> observed = new TreeMap<>();
    seen.forEach(s -> observed.put(s.attempt(), s.observed()));

    JobPlan plan = JobPlan.plan(status, observed);

    assertThat(plan.create()).as("create").isEqualTo(create);
    assertThat(plan.delete()).as("delete").containsExactlyInAnyOrderElementsOf(delete);
  }
}
