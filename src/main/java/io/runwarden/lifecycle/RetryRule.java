package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.Progress;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.ResumePolicy;
import io.runwarden.api.v1alpha1.WorkerReport;
import java.time.Instant;

/**
 * Retrying: a late success of the attempt given up on is taken; otherwise, once the backoff has
 * elapsed (and the external service, when there is one, agrees), the next attempt begins, resuming
 * from the last checkpoint or from scratch as {@code spec.retry.resume} says.
 */
final class RetryRule {

  private RetryRule() {}

  static void apply(Evaluation e) {
    QualificationRunStatus s = e.s;
    WorkerReport r = e.currentReport();
    if (r != null && r.getOutcome() == Outcome.Succeeded) {
      // The attempt we gave up on finished after all: take it rather than redo the work.
      ProgressTracking.observe(e, r);
      Transitions.succeed(
          e, r, "Attempt " + s.getAttempt() + " reported success after it was judged failed.");
      return;
    }
    if (e.jobIs(AttemptObservation.State.Succeeded)) {
      Transitions.succeed(
          e, r, "Attempt " + s.getAttempt() + "'s Job completed after it was judged failed.");
      return;
    }
    Instant next = Times.parse(s.getNextRetryAt());
    if (next != null && e.now.isBefore(next)) {
      e.wake(next);
      return;
    }
    if (e.policy.external() != null
        && s.getServiceJobId() != null
        && !ServiceCheck.saysRetry(e, r)) {
      return;
    }
    s.setAttempt(s.getAttempt() + 1);
    s.setNextRetryAt(null);
    Transitions.beginAttempt(e);
    boolean resumes =
        e.policy.resume() == ResumePolicy.FromCheckpoint
            && (s.getCheckpoint() != null || e.completed() > 0);
    if (!resumes) {
      s.setCheckpoint(null);
      // Reset to zero rather than removed: it says what is true (nothing done yet), and the
      // 1.20.2 test API server stores a dropped object field as null, which the schema refuses.
      Progress fresh = new Progress();
      fresh.setTotal(s.getProgress() == null ? null : s.getProgress().getTotal());
      fresh.setCompleted(0L);
      fresh.setSummary(fresh.getTotal() == null ? "0" : "0/" + fresh.getTotal());
      s.setProgress(fresh);
    }
    s.setPhase(Phase.Pending);
    s.setReason(Reasons.RETRY_STARTED);
    String message =
        "Attempt %d (retry %d/%d) waits for a worker; it %s"
            .formatted(
                s.getAttempt(),
                s.getRetryCount(),
                e.policy.maxRetries(),
                resumes
                    ? "resumes from the last checkpoint (" + e.completed() + " items done)."
                    : "starts from scratch.");
    s.setMessage(message);
    e.normal(Reasons.RETRY_STARTED, message);
  }
}
