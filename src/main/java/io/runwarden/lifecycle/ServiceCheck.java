package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.ExternalCheck;
import io.runwarden.api.v1alpha1.ExternalServiceSpec.OnUnreachable;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.WorkerReport;
import io.runwarden.text.UserText;
import java.time.Duration;
import java.time.Instant;

/**
 * Before a retry, the external service is asked whether the ended attempt's work finished after all
 * ({@code spec.externalService}): Completed succeeds the run without a new attempt, Running waits
 * and asks again, Unreachable follows {@code onUnreachable}. Without an answer yet, the evaluation
 * asks the shell to probe and decides nothing.
 */
final class ServiceCheck {

  /** How often the external service is asked again while it says the work is still running. */
  static final Duration EXTERNAL_RECHECK = Duration.ofSeconds(30);

  /** The service is never asked again sooner than this. */
  static final Duration MIN_EXTERNAL_RECHECK = Duration.ofSeconds(5);

  private ServiceCheck() {}

  /**
   * @return true when the retry should go ahead; otherwise the run succeeded, failed, or waits
   */
  static boolean saysRetry(Evaluation e, WorkerReport r) {
    QualificationRunStatus s = e.s;
    ExternalResult external = e.external;
    if (external == null) {
      e.externalRequest = new ExternalCheckRequest(s.getAttempt(), s.getServiceJobId());
      return false;
    }
    var check = new ExternalCheck();
    check.setCheckedAt(Times.format(e.now));
    check.setAttempt(s.getAttempt());
    check.setServiceJobId(s.getServiceJobId());
    check.setResult(external.result().name());
    check.setMessage(external.message());
    s.setExternalCheck(check);
    OnUnreachable onUnreachable =
        e.policy.external().getOnUnreachable() == null
            ? OnUnreachable.Retry
            : e.policy.external().getOnUnreachable();
    String asked =
        "The service says job %s of attempt %d is %s%s"
            .formatted(
                UserText.escape(s.getServiceJobId()),
                s.getAttempt(),
                external.result(),
                external.message() == null ? "" : " (" + external.message() + ")");
    switch (external.result()) {
      case Completed -> {
        running(e, false, asked);
        Transitions.succeed(e, r, Reasons.COMPLETED_EXTERNALLY, asked + ": no new attempt needed.");
        return false;
      }
      case Running -> {
        waitForService(e, asked + ": no new attempt while it runs; asking again");
        return false;
      }
      case Unreachable -> {
        if (onUnreachable == OnUnreachable.Wait) {
          waitForService(e, asked + " (onUnreachable=Wait): asking again");
          return false;
        }
        if (onUnreachable == OnUnreachable.Fail) {
          running(e, false, asked);
          Transitions.fail(e, Reasons.EXTERNAL_UNREACHABLE, asked + " (onUnreachable=Fail).");
          return false;
        }
      }
      default -> {}
    }
    running(e, false, asked);
    e.normal(Reasons.EXTERNAL_CHECKED, asked + ": retrying as usual.");
    return true;
  }

  private static void waitForService(Evaluation e, String what) {
    QualificationRunStatus s = e.s;
    Instant timeoutAt = e.timeoutAt();
    Duration every = e.policy.heartbeat().orElse(EXTERNAL_RECHECK);
    if (every.compareTo(MIN_EXTERNAL_RECHECK) < 0) {
      every = MIN_EXTERNAL_RECHECK; // a short heartbeat limit must not make a probe a second
    }
    Instant again = e.now.plus(every).isAfter(timeoutAt) ? timeoutAt : e.now.plus(every);
    s.setNextRetryAt(Times.format(again));
    String message = what + " at " + Times.format(again) + ".";
    s.setMessage(message);
    if (!Conditions.isTrue(s.getConditions(), ConditionTypes.EXTERNAL_RUNNING)) {
      s.setReason(Reasons.EXTERNAL_RUNNING);
      e.normal(Reasons.EXTERNAL_RUNNING, message);
    }
    running(e, true, message);
    e.wake(again);
  }

  private static void running(Evaluation e, boolean running, String message) {
    e.condition(
        ConditionTypes.EXTERNAL_RUNNING,
        running,
        running ? Reasons.EXTERNAL_RUNNING : Reasons.EXTERNAL_CHECKED,
        message);
  }
}
