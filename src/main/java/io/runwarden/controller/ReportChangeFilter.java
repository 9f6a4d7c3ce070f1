package io.runwarden.controller;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.api.v1alpha1.WorkerReport;
import io.runwarden.lifecycle.Times;
import java.time.Instant;
import java.util.Objects;

/**
 * Which updates of a run's report are worth a reconcile: a worker's report that says something new
 * (a claim, progress, spend, an outcome, a checkpoint, a service job id). Not heartbeat-only
 * reports: a heartbeat only moves a deadline later, and the core reads the latest heartbeat from
 * the informer when that deadline's wake-up comes, so skipping them saves a reconcile per heartbeat
 * per run without delaying any decision. Not the operator's own spec writes either (no loop).
 * Creation and deletion always count.
 *
 * <p>Every update passes here as the informer delivers it, heartbeat-only ones too, so this is also
 * where a new heartbeat's lateness is taken ({@link ReportLateness}): of the attempt the report has
 * open, when its stamp changed.
 */
public class ReportChangeFilter implements OnUpdateFilter<QualificationRunReport> {

  private final ReportLateness lateness;

  public ReportChangeFilter(ReportLateness lateness) {
    this.lateness = lateness;
  }

  @Override
  public boolean accept(QualificationRunReport newReport, QualificationRunReport oldReport) {
    WorkerReport now = newReport.getStatus();
    WorkerReport before = oldReport.getStatus();
    if (now != null
        && now.getAttempt() != null
        && newReport.getSpec() != null
        && now.getAttempt().equals(newReport.getSpec().getAttempt())
        && !Objects.equals(now.getHeartbeatAt(), before == null ? null : before.getHeartbeatAt())) {
      Instant at = Times.parse(now.getHeartbeatAt());
      if (at != null) {
        lateness.seen(ResourceID.fromResource(newReport), at);
      }
    }
    return !sameButHeartbeat(now, before);
  }

  static boolean sameButHeartbeat(WorkerReport a, WorkerReport b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(a.getAttempt(), b.getAttempt())
        && Objects.equals(a.getWorker(), b.getWorker())
        && Objects.equals(a.getCompleted(), b.getCompleted())
        && Objects.equals(a.getTotal(), b.getTotal())
        && Objects.equals(a.getCheckpoint(), b.getCheckpoint())
        && Objects.equals(a.getServiceJobId(), b.getServiceJobId())
        && Objects.equals(a.getSpent(), b.getSpent()) // the budget is judged on every report
        && Objects.equals(a.getRetryAfter(), b.getRetryAfter())
        && a.getOutcome() == b.getOutcome()
        && Objects.equals(a.getError(), b.getError())
        && Objects.equals(a.getRetryable(), b.getRetryable());
  }
}
