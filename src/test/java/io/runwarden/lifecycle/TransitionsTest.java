package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.s;
import static io.runwarden.lifecycle.RunSimulator.standardRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.RetryReason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How an attempt ends: success, retryable or not, the budget, late success (Transitions). */
@Tag("pure")
class TransitionsTest {

  @Test
  void workerSuccessIsTerminalAndNeverRescheduled() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.at(s(5)).claim("w1").decide();
    Decision d = sim.at(s(20)).heartbeat(7L).outcome(Outcome.Succeeded).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Succeeded);
    assertThat(d.status().getCompletedAt()).isEqualTo("2026-01-01T00:00:20Z");
    assertThat(d.wakeAt()).isEmpty();
    assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.SUCCEEDED)).isTrue();
    assertThat(d.status().getAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a.getOutcome()).isEqualTo(Outcome.Succeeded));

    // Terminal runs never change again, even past their deadline.
    Decision later = sim.at(Duration.ofHours(5)).decide();
    assertThat(later.status().getPhase()).isEqualTo(Phase.Succeeded);
    assertThat(later.events()).isEmpty();
  }

  @Test
  void workerFailureMarkedNotRetryableFailsAtOnce() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.claim("w1").decide();
    sim.at(s(3)).outcome(Outcome.Failed);
    sim.report().setError("model endpoint rejected the batch");
    sim.report().setRetryable(false);
    Decision d = sim.decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(d.status().getReason()).isEqualTo(Reasons.NON_RETRYABLE);
    assertThat(d.status().getLastErrorMessage()).contains("model endpoint rejected the batch");
  }

  @Test
  void reasonsLeftOutOfRetryOnAreNotRetried() {
    RunSimulator sim = standardRun();
    sim.run.getSpec().getRetry().setReasons(List.of(RetryReason.HeartbeatLost));
    sim.decide();
    Decision d = sim.at(m(1)).decide();
    assertThat(d.status().getReason()).isEqualTo(Reasons.NON_RETRYABLE);
    assertThat(d.status().getMessage()).contains("StartTimeout is not in spec.retry.reasons");
  }

  @Test
  void retriesExhaustedNamesTheLastCause() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.at(m(1)).decide(); // attempt 1: StartTimeout, retry 1 at +10s
    sim.at(m(1).plus(s(10))).decide(); // attempt 2 created
    sim.at(m(2).plus(s(10))).decide(); // StartTimeout, retry 2 at +20s
    sim.at(m(2).plus(s(30))).decide(); // attempt 3
    sim.claim("w3").decide();
    Decision d = sim.at(m(3).plus(s(0))).decide(); // 30 s without heartbeat
    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(d.status().getReason()).isEqualTo(Reasons.RETRIES_EXHAUSTED);
    assertThat(d.status().getMessage()).contains("last cause: HeartbeatLost");
    assertThat(d.status().getAttempts()).extracting(a -> a.getAttempt()).containsExactly(1, 2, 3);
    assertThat(d.status().getRetryCount()).isEqualTo(2);
  }

  @Test
  void lateSuccessOfAnAttemptAlreadyJudgedStuckIsAcceptedInsteadOfRetrying() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.claim("w1").decide();
    sim.at(s(30)).decide(); // HeartbeatLost
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Retrying);
    Decision d = sim.at(s(33)).outcome(Outcome.Succeeded).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Succeeded);
    assertThat(d.status().getAttempt()).isEqualTo(1);
  }
}
