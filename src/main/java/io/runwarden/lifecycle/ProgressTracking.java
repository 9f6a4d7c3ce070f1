package io.runwarden.lifecycle;

import io.fabric8.kubernetes.api.model.Condition;
import io.runwarden.api.v1alpha1.AttemptRecord;
import io.runwarden.api.v1alpha1.Progress;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.WorkerReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The worker's progress as the status shows it: clamped to [0, total] and never decreasing; an ETA
 * from the attempt's rate, with {@code AtRisk} when it lands past the deadline; and mirrored into
 * the status at most once per {@code progressRefresh} when nothing else changed.
 */
final class ProgressTracking {

  private ProgressTracking() {}

  /** Accept reported progress: clamped to [0, total], never decreasing. */
  static void observe(Evaluation e, WorkerReport r) {
    QualificationRunStatus s = e.s;
    Progress p = e.progress();
    Long total = knownTotal(e, r);
    long reported = Math.max(0, Optional.ofNullable(r.getCompleted()).orElse(0L));
    if (total != null) {
      reported = Math.min(reported, total);
    }
    if (reported > e.completed()) {
      p.setCompleted(reported);
      p.setLastProgressAt(Times.format(e.now));
    }
    p.setTotal(total);
    long done = e.completed();
    p.setCompleted(done);
    p.setPercent(total == null || total == 0 ? null : (int) (done * 100 / total));
    p.setSummary(total == null ? Long.toString(done) : done + "/" + total);
    if (r.getServiceJobId() != null) {
      s.setServiceJobId(r.getServiceJobId());
    }
    if (r.getCheckpoint() != null) {
      // Keep the newest checkpoint where the next attempt will find it, also from the report
      // that ends the attempt: with progress mirrored lazily, that report's write may be the
      // first to carry a checkpoint reported seconds earlier.
      s.setCheckpoint(r.getCheckpoint());
    }
  }

  private static Long knownTotal(Evaluation e, WorkerReport r) {
    Long spec = e.policy.total();
    Long worker = r == null ? null : r.getTotal();
    if (spec == null) return worker;
    if (worker == null) return spec;
    return Math.max(spec, worker);
  }

  /**
   * ETA from the rate since the attempt's liveness clock started. AtRisk when it lands after the
   * run deadline: a warning while there is still time to act.
   */
  static void estimateCompletion(Evaluation e) {
    QualificationRunStatus s = e.s;
    Progress p = s.getProgress();
    if (p == null || p.getTotal() == null || p.getCompleted() == null) {
      return;
    }
    Instant since = e.livenessSince();
    Instant lastProgress = Times.parse(p.getLastProgressAt());
    long done = p.getCompleted();
    AttemptRecord prev =
        s.getAttempts() == null || s.getAttempts().isEmpty()
            ? null
            : s.getAttempts().get(s.getAttempts().size() - 1);
    long base =
        prev != null && prev.getCompleted() != null && s.getCheckpoint() != null
            ? prev.getCompleted()
            : 0;
    long gained = done - base;
    if (gained <= 0 || lastProgress == null || !lastProgress.isAfter(since)) {
      return;
    }
    double perMilli = gained / (double) Duration.between(since, lastProgress).toMillis();
    long remaining = p.getTotal() - done;
    Instant eta = lastProgress.plusMillis((long) Math.ceil(remaining / perMilli));
    s.setEstimatedCompletionAt(Times.format(eta));
    boolean atRisk = eta.isAfter(e.timeoutAt());
    e.condition(
        ConditionTypes.AT_RISK,
        atRisk,
        atRisk ? Reasons.PROJECTED_PAST_DEADLINE : Reasons.ON_TRACK,
        atRisk
            ? ("At the observed rate the run ends about %s, after its deadline %s. Speed it up or"
                    + " extend spec.timeouts.run.")
                .formatted(Times.format(eta), s.getTimeoutAt())
            : "At the observed rate the run ends about " + Times.format(eta) + ".");
  }

  /**
   * Progress alone is mirrored into the status at most once per {@code progressRefresh}: a worker
   * reporting every few seconds would otherwise cost a status write per report (issue #8's budget
   * is four writes per attempt). Nothing is lost meanwhile: the report itself holds the newest
   * progress, checkpoint and service job id, every rule reads the report before judging (a
   * NoProgress deadline sees unmirrored progress as fresh), and any transition writes everything at
   * once. A deferred mirror wakes the run when it is due. Runs after {@link DerivedConditions}: it
   * compares AtRisk as refreshed.
   */
  static void deferMirror(Evaluation e) {
    QualificationRunStatus s = e.s;
    QualificationRunStatus before = e.run.getStatus();
    if (before == null
        || e.eventsEmitted()
        || before.getPhase() != s.getPhase()
        || before.getProgress() == null) {
      return;
    }
    Instant mirrored = Times.parse(before.getProgress().getLastProgressAt());
    if (mirrored == null) {
      return;
    }
    Instant due = mirrored.plus(e.defaults.progressRefresh());
    if (!e.now.isBefore(due)) {
      return;
    }
    QualificationRunStatus held = Evaluation.COPIER.convertValue(s, QualificationRunStatus.class);
    held.setProgress(before.getProgress());
    held.setEstimatedCompletionAt(before.getEstimatedCompletionAt());
    held.setCheckpoint(before.getCheckpoint());
    held.setServiceJobId(before.getServiceJobId());
    held.setBudget(before.getBudget());
    Condition risk = Conditions.find(before.getConditions(), ConditionTypes.AT_RISK);
    Condition riskNow = Conditions.find(s.getConditions(), ConditionTypes.AT_RISK);
    if (risk != null && riskNow != null && risk.getStatus().equals(riskNow.getStatus())) {
      held.setConditions(s.getConditions().stream().map(c -> c == riskNow ? risk : c).toList());
    }
    if (Evaluation.COPIER.valueToTree(held).equals(Evaluation.COPIER.valueToTree(before))) {
      // Only the mirror changed: keep the stored status and come back when the mirror is due.
      s.setProgress(held.getProgress());
      s.setEstimatedCompletionAt(held.getEstimatedCompletionAt());
      s.setCheckpoint(held.getCheckpoint());
      s.setServiceJobId(held.getServiceJobId());
      s.setBudget(held.getBudget());
      s.setConditions(held.getConditions());
      e.wake(due);
    }
  }
}
