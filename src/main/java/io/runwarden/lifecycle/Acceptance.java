package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.QueueStatus;
import io.runwarden.text.UserText;
import java.util.List;

/**
 * A run's first sight, and its concurrency key: accepted with attempt 1 waiting for a worker, or
 * queued behind the run holding its key; admitted when the key is free; failed {@code Replaced}
 * when a newer run with policy Replace took the key.
 */
final class Acceptance {

  /** Holders named in the status and the message; the rest are counted. */
  static final int HOLDERS_SHOWN = 5;

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
          "Concurrency key " + e.key() + " has a free place.");
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
    String message = queuedMessage(e);
    s.setMessage(message);
    e.condition(ConditionTypes.QUEUED, true, Reasons.QUEUED, message);
    e.normal(Reasons.QUEUED, message);
  }

  /**
   * Still queued: the position and the holders as they are now. Only the status changes (an event
   * per move would flood the namespace's events); the shown position is rounded so a long queue is
   * rewritten rarely ({@link QueuePosition}).
   */
  static void stillQueued(Evaluation e) {
    String message = queuedMessage(e);
    if (Reasons.QUEUED.equals(e.s.getReason())) {
      e.s.setMessage(message);
    }
    e.condition(ConditionTypes.QUEUED, true, Reasons.QUEUED, message);
  }

  private static String queuedMessage(Evaluation e) {
    Admission a = e.admission;
    QueueStatus q = new QueueStatus();
    if (a.position() > QueuePosition.EXACT_UP_TO) {
      // Deep in the line the holders are not named: they change each time a place is taken, and
      // naming them would rewrite every queued run at its next re-check, not just the head's.
      int shown = QueuePosition.shown(a.position());
      q.setPosition(shown);
      q.setExact(false);
      e.s.setQueue(q);
      return ("Position %d or later in the queue for concurrency key %s; it starts when a place is"
              + " free. The run deadline still applies.")
          .formatted(shown, e.key());
    }
    List<String> holders = a.holders().stream().limit(HOLDERS_SHOWN).toList();
    q.setHolders(holders);
    String place = "";
    if (a.position() > 0) {
      q.setPosition(a.position());
      q.setExact(true);
      place = "Position %d in the queue. ".formatted(a.position());
    }
    e.s.setQueue(q);
    String others =
        a.holders().size() > HOLDERS_SHOWN
            ? " and %d more".formatted(a.holders().size() - HOLDERS_SHOWN)
            : "";
    return ("%sWaits for %s %s%s, which %s concurrency key %s%s; it starts when a place is free."
            + " The run deadline still applies.")
        .formatted(
            place,
            holders.size() == 1 ? "run" : "runs",
            String.join(", ", holders),
            others,
            holders.size() == 1 ? "holds" : "hold",
            e.key(),
            a.message() == null ? "" : " (" + a.message() + ")");
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
      stillQueued(e);
      return false; // no timer runs while queued; the holder's end wakes this run
    }
    e.s.setQueue(null);
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
