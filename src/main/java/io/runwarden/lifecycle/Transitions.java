package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.AttemptRecord;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.RetryReason;
import io.runwarden.api.v1alpha1.WorkerReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The verbs every rule uses to record a transition: begin and close an attempt (one history record
 * per evaluation), end one (retried or not), succeed, fail, and the one deadline check that serves
 * the start, attempt, heartbeat and progress limits.
 */
final class Transitions {

  private Transitions() {}

  /**
   * A limit of the current attempt: when {@code by} has passed, the rule fires (its lateness
   * measured from {@code by}) and the attempt ends as retryable; otherwise the run wakes at {@code
   * by}. The cause is built only when the rule fires: most evaluations pass every limit.
   *
   * @return true when the limit ended the attempt
   */
  static boolean limit(
      Evaluation e,
      Instant by,
      String reason,
      RetryReason kind,
      Supplier<String> cause,
      WorkerReport r) {
    if (e.now.isBefore(by)) {
      e.wake(by);
      return false;
    }
    e.enforced(reason, by);
    attemptEnded(e, reason, kind, cause.get(), true, r);
    return true;
  }

  /**
   * The current attempt ended without success. Retry it (after backoff, never past the run
   * deadline) when the reason is retryable and budget is left; otherwise fail the run.
   */
  static void attemptEnded(
      Evaluation e,
      String reason,
      RetryReason kind,
      String cause,
      boolean workerRetryable,
      WorkerReport r) {
    QualificationRunStatus s = e.s;
    RunPolicy policy = e.policy;
    closeAttempt(e, Outcome.Failed, reason, r);
    s.setLastErrorMessage(cause);
    if (r != null && r.getCheckpoint() != null) {
      s.setCheckpoint(r.getCheckpoint());
    }
    if (kind == RetryReason.HeartbeatLost || kind == RetryReason.NoProgress) {
      e.condition(ConditionTypes.STUCK, true, reason, cause);
    }
    if (!policy.retryOn().contains(kind) || !workerRetryable) {
      String why =
          workerRetryable
              ? reason + " is not in spec.retry.reasons"
              : "the worker marked the failure retryable=false";
      fail(e, Reasons.NON_RETRYABLE, cause + " Not retried: " + why + ".");
      return;
    }
    if (SpendBudget.exhausted(e) && !SpendBudget.holdsSuspended(e)) {
      fail(
          e,
          Reasons.BUDGET_EXHAUSTED,
          cause + " " + SpendBudget.exhaustedMessage(e.s.getBudget()) + " Not retried.");
      return;
    }
    var crashLoop = CrashLoopGuard.stuckAcrossAttempts(e);
    if (crashLoop.isPresent()) {
      fail(e, Reasons.NO_PROGRESS_ACROSS_ATTEMPTS, cause + " " + crashLoop.get());
      return;
    }
    int used = s.getRetryCount();
    if (used >= policy.maxRetries()) {
      String budget =
          policy.maxRetries() == 0
              ? " No retries are allowed (spec.retry.maxRetries=0; last cause: "
              : " All " + policy.maxRetries() + " retries are used (last cause: ";
      fail(e, Reasons.RETRIES_EXHAUSTED, cause + budget + reason + ").");
      return;
    }
    RetryDelay.Next retry = RetryDelay.next(e, used, r);
    Instant next = retry.at();
    s.setRetryCount(used + 1);
    s.setNextRetryAt(Times.format(next));
    s.setPhase(Phase.Retrying);
    s.setReason(reason);
    String message =
        "%s Retry %d/%d starts at %s%s."
            .formatted(cause, used + 1, policy.maxRetries(), Times.format(next), retry.why());
    s.setMessage(message);
    e.warning(reason, message);
    e.wake(next);
  }

  static void succeed(Evaluation e, WorkerReport r, String message) {
    succeed(e, r, Reasons.SUCCEEDED, message);
  }

  /** From Retrying the attempt is already closed (as failed): its record is corrected. */
  static void succeed(Evaluation e, WorkerReport r, String reason, String message) {
    QualificationRunStatus s = e.s;
    if (s.getPhase() != Phase.Retrying) {
      closeAttempt(e, Outcome.Succeeded, reason, r);
    } else {
      markLastAttemptSucceeded(e, reason);
    }
    s.setPhase(Phase.Succeeded);
    s.setReason(reason);
    s.setCompletedAt(Times.format(e.now));
    s.setNextRetryAt(null);
    s.setMessage(message);
    s.setEstimatedCompletionAt(null);
    e.normal(reason, message);
  }

  static void fail(Evaluation e, String reason, String message) {
    QualificationRunStatus s = e.s;
    if (s.getPhase() == Phase.Pending || s.getPhase() == Phase.Running) {
      closeAttempt(e, Outcome.Failed, reason, e.currentReport());
    }
    s.setPhase(Phase.Failed);
    s.setReason(reason);
    s.setMessage(message);
    if (s.getLastErrorMessage() == null || Reasons.INVALID_SPEC.equals(reason)) {
      s.setLastErrorMessage(message);
    }
    s.setCompletedAt(Times.format(e.now));
    s.setNextRetryAt(null);
    s.setEstimatedCompletionAt(null);
    e.warning(reason, message);
  }

  static void beginAttempt(Evaluation e) {
    if (e.managed) {
      // What was observed belongs to the previous attempt; the new one has no Job yet.
      e.job = AttemptObservation.of(AttemptObservation.State.NotCreated, null, null);
    }
    SpendBudget.attemptBegins(e);
    e.s.setAttemptStartedAt(Times.format(e.now));
    e.s.setLivenessSince(Times.format(e.now));
    e.s.setAttemptTimeoutAt(null);
  }

  static void closeAttempt(Evaluation e, Outcome outcome, String reason, WorkerReport r) {
    if (e.attemptClosed) {
      return; // ended and then failed the run in the same evaluation: one record
    }
    e.attemptClosed = true;
    QualificationRunStatus s = e.s;
    AttemptRecord rec = new AttemptRecord();
    rec.setAttempt(s.getAttempt());
    rec.setWorker(r == null ? null : r.getWorker());
    rec.setStartedAt(s.getAttemptStartedAt());
    rec.setFinishedAt(Times.format(e.now));
    rec.setOutcome(outcome);
    rec.setReason(reason);
    rec.setCompleted(s.getProgress() == null ? null : s.getProgress().getCompleted());
    List<AttemptRecord> history =
        s.getAttempts() == null ? new ArrayList<>() : new ArrayList<>(s.getAttempts());
    history.add(rec);
    while (history.size() > e.defaults.historyLimit()) {
      history.remove(0);
    }
    s.setAttempts(history);
    s.setAttemptTimeoutAt(null);
  }

  private static void markLastAttemptSucceeded(Evaluation e, String reason) {
    List<AttemptRecord> history = e.s.getAttempts();
    if (history != null && !history.isEmpty()) {
      AttemptRecord last = history.get(history.size() - 1);
      if (e.s.getAttempt().equals(last.getAttempt())) {
        last.setOutcome(Outcome.Succeeded);
        last.setReason(reason);
      }
    }
  }

  /** Managed mode: the attempt's Job has an outcome (or vanished). True when it ended it. */
  static boolean jobEnded(Evaluation e, WorkerReport r) {
    if (e.jobIs(AttemptObservation.State.Rejected)) {
      // The detail names the field: the template the API server refused, or workerAccess.
      fail(e, Reasons.INVALID_SPEC, e.job.detail() + ". Fix the spec and create the run again.");
      return true;
    }
    if (e.jobIs(AttemptObservation.State.Succeeded)) {
      succeed(e, r, "Attempt %d succeeded: %s.".formatted(e.attempt(), e.job.detail()));
      return true;
    }
    if (e.jobIs(AttemptObservation.State.Disrupted)) {
      Disruptions.attemptDisrupted(
          e, "Attempt %d was disrupted: %s.".formatted(e.attempt(), e.job.detail()), r);
      return true;
    }
    if (e.jobIs(AttemptObservation.State.Gone)) {
      Disruptions.attemptDisrupted(
          e, "The Job of attempt %d was deleted while it ran.".formatted(e.attempt()), r);
      return true;
    }
    if (e.jobIs(AttemptObservation.State.Failed)) {
      String cause = "Attempt %d failed: %s.".formatted(e.attempt(), e.job.detail());
      Integer code = e.job.exitCode();
      if (code != null && e.policy.nonRetryableExitCodes().contains(code)) {
        fail(
            e,
            Reasons.NON_RETRYABLE,
            cause
                + " Exit code %d is in spec.retry.nonRetryableExitCodes: not retried."
                    .formatted(code));
        return true;
      }
      boolean retryable = r == null || !Boolean.FALSE.equals(r.getRetryable());
      attemptEnded(e, Reasons.WORKER_FAILED, RetryReason.WorkerFailed, cause, retryable, r);
      return true;
    }
    return false;
  }
}
