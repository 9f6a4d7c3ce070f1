package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A failed reconcile is tried again soon, and never later than the run's next deadline. */
@Tag("pure")
class ErrorRetryTest {

  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void failuresInARowBackOffToAMinute() {
    assertThat(ErrorRetry.delay(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(ErrorRetry.delay(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(ErrorRetry.delay(5)).isEqualTo(Duration.ofSeconds(8));
    assertThat(ErrorRetry.delay(40)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void theEarliestTimerStillAheadIsTheNextDeadline() {
    QualificationRunStatus s = new QualificationRunStatus();
    s.setPhase(Phase.Running);
    s.setTimeoutAt(NOW.plusSeconds(30).toString());
    s.setAttemptTimeoutAt(NOW.plusSeconds(5).toString());
    s.setNextRetryAt(NOW.minusSeconds(5).toString());
    assertThat(ErrorRetry.nextDeadline(s, NOW)).contains(NOW.plusSeconds(5));
  }

  @Test
  void finishedRunsHaveNoDeadline() {
    QualificationRunStatus s = new QualificationRunStatus();
    s.setPhase(Phase.Failed);
    s.setTimeoutAt(NOW.plusSeconds(30).toString());
    assertThat(ErrorRetry.nextDeadline(s, NOW)).isEmpty();
    assertThat(ErrorRetry.nextDeadline(null, NOW)).isEmpty();
  }

  @Test
  void aRunWhoseStatusWasNeverWrittenIsWokenAtItsSpecsDeadline() {
    Optional<Instant> spec = Optional.of(NOW.plusSeconds(12));
    assertThat(ErrorRetry.nextDeadline(null, spec, NOW)).isEqualTo(spec);
    assertThat(ErrorRetry.nextDeadline(new QualificationRunStatus(), spec, NOW)).isEqualTo(spec);

    QualificationRunStatus s = new QualificationRunStatus();
    s.setPhase(Phase.Running);
    s.setTimeoutAt(NOW.plusSeconds(30).toString());
    assertThat(ErrorRetry.nextDeadline(s, spec, NOW))
        .as("a stored deadline is the one in force (the spec's may have changed since)")
        .contains(NOW.plusSeconds(30));
  }
}
