package io.runwarden.controller;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.api.v1alpha1.WorkerReport;
import java.util.Objects;

/**
 * Which updates of a run's report are worth a reconcile: a worker's report that says something new
 * (a claim, progress, spend, an outcome, a checkpoint, a service job id). Not heartbeat-only
 * reports: a heartbeat only moves a deadline later, and the core reads the latest heartbeat from
 * the informer when that deadline's wake-up comes, so skipping them saves a reconcile per heartbeat
 * per run without delaying any decision. Not the operator's own spec writes either (no loop).
 * Creation and deletion always count.
 */
public class ReportChangeFilter implements OnUpdateFilter<QualificationRunReport> {

  @Override
  public boolean accept(QualificationRunReport newReport, QualificationRunReport oldReport) {
    return !sameButHeartbeat(newReport.getStatus(), oldReport.getStatus());
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
