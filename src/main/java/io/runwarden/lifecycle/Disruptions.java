package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.WorkerReport;

/**
 * Managed mode: an attempt ended by a disruption (its pod evicted or preempted, its node lost, its
 * Job deleted by someone else) is not the worker's failure. It is retried without using {@code
 * maxRetries} (on preemptible nodes disruptions would otherwise burn the budget and fail healthy
 * work), after the first backoff, under a cap of its own ({@code spec.retry.maxDisruptions},
 * default 10) so that a broken node pool still ends the run: {@code DisruptionsExhausted}.
 */
final class Disruptions {

  private Disruptions() {}

  static void attemptDisrupted(Evaluation e, String cause, WorkerReport r) {
    QualificationRunStatus s = e.s;
    Transitions.closeAttempt(e, Outcome.Failed, Reasons.DISRUPTED, r);
    s.setLastErrorMessage(cause);
    if (r != null && r.getCheckpoint() != null) {
      s.setCheckpoint(r.getCheckpoint());
    }
    int count = (s.getDisruptions() == null ? 0 : s.getDisruptions()) + 1;
    s.setDisruptions(count);
    int max = e.policy.maxDisruptions();
    if (count > max) {
      Transitions.fail(
          e,
          Reasons.DISRUPTIONS_EXHAUSTED,
          "%s %d disruptions, more than spec.retry.maxDisruptions=%d: not retried."
              .formatted(cause, count, max));
      return;
    }
    RetryDelay.Next retry = RetryDelay.next(e, 0, null);
    s.setNextRetryAt(Times.format(retry.at()));
    s.setPhase(Phase.Retrying);
    s.setReason(Reasons.DISRUPTED);
    String message =
        "%s Retried at %s without using the retry budget (disruption %d/%d)."
            .formatted(cause, Times.format(retry.at()), count, max);
    s.setMessage(message);
    e.warning(Reasons.DISRUPTED, message);
    e.wake(retry.at());
  }
}
