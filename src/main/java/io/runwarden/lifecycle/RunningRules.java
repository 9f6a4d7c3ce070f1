package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.RetryReason;
import io.runwarden.api.v1alpha1.WorkerReport;
import io.runwarden.text.UserText;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Running, in this order: the worker's outcome for the current attempt ends it; a managed attempt's
 * Job ending ends it; then the attempt limit ({@code AttemptTimedOut}), the heartbeat limit ({@code
 * HeartbeatLost}) and the progress limit ({@code NoProgress}, alive but not advancing) each end it
 * when passed, the last two with the liveness grace added. A run that passes them all gets its ETA.
 */
final class RunningRules {

  private RunningRules() {}

  static void apply(Evaluation e) {
    WorkerReport r = e.currentReport();
    if (r != null && workerOutcome(e, r)) {
      return;
    }
    if (SpendBudget.enforce(e)) {
      return;
    }
    if (Transitions.jobEnded(e, r)) {
      return;
    }
    if (attemptLimit(e, r) || heartbeatLimit(e, r) || progressLimit(e, r)) {
      return;
    }
    ProgressTracking.estimateCompletion(e);
  }

  /** The report's progress is taken; an outcome in it ends the attempt. */
  private static boolean workerOutcome(Evaluation e, WorkerReport r) {
    ProgressTracking.observe(e, r);
    SpendBudget.observe(e, r);
    if (r.getOutcome() == Outcome.Succeeded) {
      Transitions.succeed(e, r, "Attempt " + e.attempt() + " succeeded.");
      return true;
    }
    if (r.getOutcome() == Outcome.Failed) {
      Transitions.attemptEnded(
          e,
          Reasons.WORKER_FAILED,
          RetryReason.WorkerFailed,
          "Worker reported failure of attempt %d: %s"
              .formatted(
                  e.attempt(),
                  // The worker's words (a stack trace, often): escaped, one line in the log.
                  Optional.ofNullable(r.getError())
                      .map(UserText::escape)
                      .orElse("(no error given)")),
          !Boolean.FALSE.equals(r.getRetryable()),
          r);
      return true;
    }
    return false;
  }

  private static boolean attemptLimit(Evaluation e, WorkerReport r) {
    Instant by = Times.parse(e.s.getAttemptTimeoutAt());
    return by != null
        && Transitions.limit(
            e,
            by,
            Reasons.ATTEMPT_TIMED_OUT,
            RetryReason.AttemptTimedOut,
            () ->
                "Attempt %d ran past its limit %s (timeouts.attempt)."
                    .formatted(e.attempt(), e.s.getAttemptTimeoutAt()),
            r);
  }

  /**
   * In managed mode the pod is the liveness signal; the worker opts into the heartbeat and progress
   * rules by heartbeating.
   */
  private static boolean livenessRules(Evaluation e, WorkerReport r) {
    return !e.managed || e.heartbeatAt(r) != null;
  }

  private static boolean heartbeatLimit(Evaluation e, WorkerReport r) {
    if (!livenessRules(e, r) || e.policy.heartbeat().isEmpty()) {
      return false;
    }
    Duration limit = e.policy.heartbeat().get();
    Instant last = Evaluation.latest(e.livenessSince(), e.heartbeatAt(r));
    return Transitions.limit(
        e,
        last.plus(limit).plus(e.livenessGrace),
        Reasons.HEARTBEAT_LOST,
        RetryReason.HeartbeatLost,
        () ->
            "No heartbeat for attempt %d since %s (timeouts.heartbeat=%s%s)."
                .formatted(
                    e.attempt(), Times.format(last), DurationParser.format(limit), e.graceNote()),
        r);
  }

  private static boolean progressLimit(Evaluation e, WorkerReport r) {
    if (!livenessRules(e, r) || e.policy.progress().isEmpty()) {
      return false;
    }
    Duration limit = e.policy.progress().get();
    Instant last =
        Evaluation.latest(e.livenessSince(), Times.parse(e.progress().getLastProgressAt()));
    return Transitions.limit(
        e,
        last.plus(limit).plus(e.livenessGrace),
        Reasons.NO_PROGRESS,
        RetryReason.NoProgress,
        () ->
            ("Attempt %d heartbeats but has completed nothing since %s (timeouts.progress=%s%s);"
                    + " stuck at %d items.")
                .formatted(
                    e.attempt(),
                    Times.format(last),
                    DurationParser.format(limit),
                    e.graceNote(),
                    e.completed()),
        r);
  }
}
