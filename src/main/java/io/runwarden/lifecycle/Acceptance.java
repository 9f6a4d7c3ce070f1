package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.text.UserText;

/**
 * A run's first sight, and its concurrency key: accepted with attempt 1 waiting for a worker, or
 * queued behind the run holding its key; admitted when the key is free; failed {@code Replaced}
 * when a newer run with policy Replace took the key.
 */
final class Acceptance {

  private Acceptance() {}

  static void accept(Evaluation e) {
    QualificationRunStatus s = e.s;
    s.setStartedAt(Times.format(e.now));
    s.setAttempt(1);
    s.setRetryCount(0);
    Transitions.beginAttempt(e);
    s.setPhase(Phase.Pending);
    if (!e.admission.admitted()) {
      queue(e);
      return;
    }
    if (e.keyed()) {
      e.condition(
          ConditionTypes.QUEUED,
          false,
          Reasons.ADMITTED,
          "No other active run holds key " + e.key() + ".");
    }
    s.setReason(Reasons.ACCEPTED);
    String message =
        "Attempt 1 waits for a worker to claim it (start timeout %s); the run must finish by %s."
            .formatted(
                DurationParser.format(e.policy.start()),
                Times.format(e.created().plus(e.policy.run())));
    s.setMessage(message);
    e.normal(Reasons.ACCEPTED, message);
  }

  /** Pending behind another run's key: no timer but the run deadline runs while queued. */
  static void queue(Evaluation e) {
    QualificationRunStatus s = e.s;
    s.setLivenessSince(null);
    s.setReason(Reasons.QUEUED);
    String message =
        ("Waits for run %s, which holds concurrency key %s%s; it starts when that run ends. The run"
                + " deadline still applies.")
            .formatted(
                e.admission.holder(),
                e.key(),
                e.admission.message() == null ? "" : " (" + e.admission.message() + ")");
    s.setMessage(message);
    e.condition(ConditionTypes.QUEUED, true, Reasons.QUEUED, message);
    e.normal(Reasons.QUEUED, message);
  }

  /**
   * A queued run whose key is free again: its attempt begins now.
   *
   * @return false while the run must go on waiting
   */
  static boolean admitIfQueued(Evaluation e) {
    if (!Conditions.isTrue(e.s.getConditions(), ConditionTypes.QUEUED)) {
      return true;
    }
    if (!e.admission.admitted()) {
      return false; // no timer runs while queued; the holder's end wakes this run
    }
    Transitions.beginAttempt(e);
    e.s.setReason(Reasons.ADMITTED);
    String message =
        "Concurrency key %s is free: attempt %d waits for a worker (start timeout %s)."
            .formatted(e.key(), e.attempt(), DurationParser.format(e.policy.start()));
    e.s.setMessage(message);
    e.condition(ConditionTypes.QUEUED, false, Reasons.ADMITTED, message);
    e.normal(Reasons.ADMITTED, message);
    return true;
  }

  /** The concurrency gate marked this run replaced by a newer one: it fails {@code Replaced}. */
  static boolean replaced(Evaluation e) {
    String by = UserText.escape(e.annotation(Annotations.REPLACED_BY), Lifecycle.REQUEST_TEXT_MAX);
    if (by == null) {
      return false;
    }
    Transitions.fail(
        e,
        Reasons.REPLACED,
        "Replaced by run %s (concurrency key %s, policy Replace).".formatted(by, e.key()));
    return true;
  }
}
