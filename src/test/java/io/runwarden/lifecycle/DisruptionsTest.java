package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.retry;
import static io.runwarden.lifecycle.RunSimulator.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Phase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Managed mode: an evicted or preempted attempt, or one whose Job someone deleted, is retried
 * without using the retry budget, under a cap of its own (rule: Disruptions).
 */
@Tag("pure")
class DisruptionsTest {

  private static RunSimulator managed(Integer maxDisruptions) {
    return new RunSimulator(
        spec -> {
          spec.getTimeouts().setRun("1h");
          spec.setRetry(retry(1, "10s", 2.0, "1m"));
          spec.getRetry().setMaxDisruptions(maxDisruptions);
          spec.setJob(RunSimulator.managedJob());
        });
  }

  /** From Pending: the attempt's pod starts, then is taken away ({@code how}). */
  private static Decision startedThen(RunSimulator sim, AttemptObservation how) {
    sim.after(s(1))
        .decide(
            Inputs.NONE.withJob(
                AttemptObservation.of(AttemptObservation.State.Started, "pod", "pod running")));
    return sim.after(s(1)).decide(Inputs.NONE.withJob(how));
  }

  private static AttemptObservation evicted() {
    return AttemptObservation.of(
        AttemptObservation.State.Disrupted, "pod", "pod pod Evicted: node low on memory");
  }

  private static void nextAttemptOpens(RunSimulator sim) {
    Instant at = Instant.parse(sim.status().getNextRetryAt());
    sim.at(Duration.between(RunSimulator.T0, at)).decide();
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Pending);
  }

  @Test
  void anEvictedAttemptIsRetriedWithoutUsingTheBudget() {
    RunSimulator sim = managed(null);
    sim.decide();
    Decision d = startedThen(sim, evicted());

    assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
    assertThat(d.status().getReason()).isEqualTo(Reasons.DISRUPTED);
    assertThat(d.status().getRetryCount()).isZero();
    assertThat(d.status().getDisruptions()).isEqualTo(1);
    assertThat(d.status().getMessage())
        .contains("Evicted")
        .contains("without using the retry budget (disruption 1/10)");
    assertThat(sim.eventReasons()).contains(Reasons.DISRUPTED);
  }

  @Test
  void aJobDeletedBySomeoneElseIsADisruptionToo() {
    RunSimulator sim = managed(null);
    sim.decide();
    Decision d =
        startedThen(
            sim,
            AttemptObservation.of(AttemptObservation.State.Gone, null, "Job run-1 was deleted"));
    assertThat(d.status().getReason()).isEqualTo(Reasons.DISRUPTED);
    assertThat(d.status().getLastErrorMessage()).contains("was deleted while it ran");
    assertThat(d.status().getRetryCount()).isZero();
  }

  @Test
  void pastTheCapTheRunFailsDisruptionsExhaustedWithItsBudgetUnspent() {
    RunSimulator sim = managed(2);
    sim.decide();
    startedThen(sim, evicted());
    nextAttemptOpens(sim);
    startedThen(sim, evicted());
    nextAttemptOpens(sim);
    Decision d = startedThen(sim, evicted());

    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(d.status().getReason()).isEqualTo(Reasons.DISRUPTIONS_EXHAUSTED);
    assertThat(d.status().getMessage())
        .contains("3 disruptions, more than spec.retry.maxDisruptions=2");
    assertThat(d.status().getRetryCount()).isZero();
    assertThat(d.status().getAttempt()).isEqualTo(3);
  }

  @Test
  void aFailureOfTheWorkerStillUsesTheBudget() {
    RunSimulator sim = managed(null);
    sim.decide();
    Decision d =
        startedThen(
            sim, AttemptObservation.failed("pod", "pod pod container w exited 1 (Error)", 1));
    assertThat(d.status().getReason()).isEqualTo(Reasons.WORKER_FAILED);
    assertThat(d.status().getRetryCount()).isEqualTo(1);
  }
}
