package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code spec.suspend}: pauses the attempt, start, heartbeat and progress timers (never the run
 * deadline); resuming shifts every attempt-level instant by the time spent suspended.
 */
final class Suspension {

  private Suspension() {}

  /**
   * @return true while the spec asks for suspension: no other rule applies
   */
  static boolean holds(Evaluation e) {
    boolean budget = SpendBudget.holdsSuspended(e);
    if (!e.policy.suspend() && !budget) {
      return false;
    }
    if (e.s.getPhase() == Phase.Suspended) {
      return true;
    }
    if (!e.policy.suspend()) {
      // Retrying when the budget ran out: held before the next attempt starts.
      suspend(
          e,
          Reasons.BUDGET_EXHAUSTED,
          SpendBudget.exhaustedMessage(e.s.getBudget())
              + " Suspended (spec.budget.onExhausted=Suspend); raise spec.budget.limit to resume.");
      return true;
    }
    suspend(
        e,
        Reasons.SUSPENDED,
        ("Suspended: attempt, start, heartbeat and progress timers are paused; the run deadline %s"
                + " still applies. Set spec.suspend=false to resume.")
            .formatted(e.s.getTimeoutAt()));
    return true;
  }

  /** Pauses the run's timers from now (spec.suspend, or a spent budget with Suspend). */
  static void suspend(Evaluation e, String reason, String message) {
    QualificationRunStatus s = e.s;
    s.setSuspendedAt(Times.format(e.now));
    s.setPhase(Phase.Suspended);
    s.setReason(reason);
    s.setMessage(message);
    e.normal(reason, message);
  }

  /** Timers were paused: shift every attempt-level instant by the time spent suspended. */
  static void resume(Evaluation e) {
    QualificationRunStatus s = e.s;
    Instant suspendedAt = Optional.ofNullable(Times.parse(s.getSuspendedAt())).orElse(e.now);
    Duration paused = Duration.between(suspendedAt, e.now);
    s.setAttemptTimeoutAt(shift(s.getAttemptTimeoutAt(), paused));
    s.setNextRetryAt(shift(s.getNextRetryAt(), paused));
    s.setLivenessSince(Times.format(e.now));
    if (s.getProgress() != null) {
      s.getProgress().setLastProgressAt(Times.format(e.now));
    }
    s.setSuspendedAt(null);
    if (s.getNextRetryAt() != null) {
      s.setPhase(Phase.Retrying);
    } else if (e.currentReport() != null) {
      s.setPhase(Phase.Running);
    } else {
      s.setPhase(Phase.Pending);
    }
    s.setReason(Reasons.RESUMED);
    String message =
        "Resumed after %s; attempt %d is %s."
            .formatted(DurationParser.format(paused), s.getAttempt(), s.getPhase());
    s.setMessage(message);
    e.normal(Reasons.RESUMED, message);
  }

  private static String shift(String time, Duration by) {
    Instant at = Times.parse(time);
    return at == null ? null : Times.format(at.plus(by));
  }
}
