package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.RetryReason;
import io.runwarden.api.v1alpha1.WorkerReport;
import io.runwarden.text.UserText;
import java.util.Optional;

/**
 * Pending: a queued run waits for its key; otherwise the attempt is claimed by the worker's report
 * for it (or, in managed mode, by its pod starting), or ends {@code StartTimeout} when nobody
 * claims it within {@code timeouts.start} (plus the liveness grace), naming what the pod waits for.
 */
final class StartRule {

  private StartRule() {}

  static void apply(Evaluation e) {
    if (!Acceptance.admitIfQueued(e)) {
      return;
    }
    WorkerReport r = e.currentReport();
    if (Transitions.jobEnded(e, r)) {
      return;
    }
    if (r != null) {
      claim(e, r.getWorker());
      return;
    }
    if (e.jobIs(AttemptObservation.State.Started)) {
      claim(e, e.job.worker());
      return;
    }
    // Fixed for the attempt (the grace is not in it), so it costs no write of its own: kubectl
    // runwarden explain says "StartTimeout at ..." from it.
    e.s.setStartTimeoutAt(Times.format(e.livenessSince().plus(e.policy.start())));
    String lastSeen =
        e.jobIs(AttemptObservation.State.Waiting) ? " Last seen: " + e.job.detail() + "." : "";
    Transitions.limit(
        e,
        e.livenessSince().plus(e.policy.start()).plus(e.livenessGrace),
        Reasons.START_TIMEOUT,
        RetryReason.StartTimeout,
        () ->
            "No worker claimed attempt %d within %s (timeouts.start)%s.%s"
                .formatted(
                    e.attempt(), DurationParser.format(e.policy.start()), e.graceNote(), lastSeen),
        null);
  }

  private static void claim(Evaluation e, String worker) {
    QualificationRunStatus s = e.s;
    s.setPhase(Phase.Running);
    s.setLivenessSince(Times.format(e.now));
    e.policy.attempt().ifPresent(a -> s.setAttemptTimeoutAt(Times.format(e.now.plus(a))));
    e.progress().setLastProgressAt(Times.format(e.now));
    s.setReason(Reasons.CLAIMED);
    String message =
        "Worker %s claimed attempt %d.%s"
            .formatted(
                // The worker names itself (up to 253 characters of free text).
                Optional.ofNullable(worker).map(UserText::escape).orElse("(unnamed)"),
                s.getAttempt(),
                e.policy
                    .heartbeat()
                    .map(h -> " It must heartbeat at least every " + DurationParser.format(h) + ".")
                    .orElse(""));
    s.setMessage(message);
    e.normal(Reasons.CLAIMED, message);
  }
}
