package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.HandledRequests;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.text.UserText;
import java.time.Instant;
import java.util.function.Function;

/**
 * Requests made with annotations ({@code force-fail}, {@code retry-now}), each value handled
 * exactly once and recorded in {@code status.requests}: force-fail ends the run; retry-now starts
 * the next attempt at once (one extra attempt for a failed run); a request that cannot be granted
 * is refused with an event saying why, and changes nothing else.
 */
final class ManualRequests {

  private ManualRequests() {}

  /** Force-fail: the run fails now, the annotation's value being the message. */
  static boolean forceFail(Evaluation e) {
    String value = newRequest(e, Annotations.FORCE_FAIL, HandledRequests::getForceFail);
    if (value == null) {
      return false;
    }
    requests(e).setForceFail(value);
    Transitions.fail(
        e,
        Reasons.FORCE_FAILED,
        "Force-failed by request (" + Annotations.FORCE_FAIL + "): " + value);
    return true;
  }

  /** Retry now: a stuck, retrying or running run starts its next attempt immediately. */
  static void retryNow(Evaluation e) {
    String value = newRequest(e, Annotations.RETRY_NOW, HandledRequests::getRetryNow);
    if (value == null) {
      return;
    }
    QualificationRunStatus s = e.s;
    requests(e).setRetryNow(value);
    if (s.getPhase() == Phase.Suspended || e.policy.suspend()) {
      refuse(e, "Retry now", "the run is suspended; set spec.suspend=false first.");
      return;
    }
    grantManualRetry(e);
    if (s.getPhase() == Phase.Pending || s.getPhase() == Phase.Running) {
      Transitions.closeAttempt(e, Outcome.Failed, Reasons.MANUAL_RETRY, e.currentReport());
      s.setLastErrorMessage("Attempt " + s.getAttempt() + " ended by a manual retry request.");
    }
    startsNow(e, "Retry requested (%s): attempt %d".formatted(value, s.getAttempt() + 1));
  }

  /**
   * Requests on a finished run: a failed run may get one more attempt, nothing else may.
   *
   * @return true when the run was reopened (it then goes through the usual rules)
   */
  static boolean reopenFinishedRun(Evaluation e) {
    QualificationRunStatus s = e.s;
    String fail = newRequest(e, Annotations.FORCE_FAIL, HandledRequests::getForceFail);
    if (fail != null) {
      requests(e).setForceFail(fail);
      refuse(e, "Force-fail", "the run is already " + s.getPhase() + ".");
    }
    String retry = newRequest(e, Annotations.RETRY_NOW, HandledRequests::getRetryNow);
    if (retry == null) {
      return false;
    }
    requests(e).setRetryNow(retry);
    if (s.getPhase() != Phase.Failed) {
      refuse(e, "Retry now", "the run already " + s.getPhase() + "; there is nothing to redo.");
      return false;
    }
    RunPolicy p;
    try {
      p = RunPolicy.resolve(e.run.getSpec(), e.defaults);
    } catch (InvalidSpecException ex) {
      refuse(e, "Retry now", ex.getMessage() + "; fix the spec first.");
      return false;
    }
    Instant timeoutAt = e.created().plus(p.run());
    if (!e.now.isBefore(timeoutAt)) {
      refuse(
          e,
          "Retry now",
          "the run deadline %s has passed; extend spec.timeouts.run first."
              .formatted(Times.format(timeoutAt)));
      return false;
    }
    grantManualRetry(e);
    s.setCompletedAt(null);
    startsNow(
        e,
        "Retry of the failed run requested (%s): one extra attempt, %d,"
            .formatted(retry, s.getAttempt() + 1));
    return true;
  }

  /** A granted retry: the next attempt opens now (RetryRule, same evaluation), announced. */
  private static void startsNow(Evaluation e, String requested) {
    e.s.setPhase(Phase.Retrying);
    e.s.setNextRetryAt(Times.format(e.now));
    e.normal(Reasons.MANUAL_RETRY, requested + " starts now. " + budget(e));
  }

  private static HandledRequests requests(Evaluation e) {
    if (e.s.getRequests() == null) {
      e.s.setRequests(new HandledRequests());
    }
    return e.s.getRequests();
  }

  /**
   * The annotation's value when it is a request not handled yet, else null. The value is taken
   * escaped and capped ({@link Lifecycle#REQUEST_TEXT_MAX}): it is copied into the status, the
   * message, an event and the log, and an annotation may hold 256 KiB. A handled value recorded in
   * full by an older version still counts as handled.
   */
  private static String newRequest(
      Evaluation e, String annotation, Function<HandledRequests, String> handledValue) {
    String handled = e.s.getRequests() == null ? null : handledValue.apply(e.s.getRequests());
    String raw = e.annotation(annotation);
    if (raw == null || raw.isBlank() || raw.equals(handled)) {
      return null;
    }
    String value = UserText.escape(raw, Lifecycle.REQUEST_TEXT_MAX);
    return value.equals(handled) ? null : value;
  }

  private static void refuse(Evaluation e, String what, String why) {
    e.warning(Reasons.REQUEST_REFUSED, what + " refused: " + why);
  }

  private static void grantManualRetry(Evaluation e) {
    var r = requests(e);
    r.setManualRetries((r.getManualRetries() == null ? 0 : r.getManualRetries()) + 1);
  }

  private static String budget(Evaluation e) {
    return "Retry budget: %d/%d automatic retries used; manual retries granted: %d."
        .formatted(e.s.getRetryCount(), e.s.getMaxRetries(), requests(e).getManualRetries());
  }
}
