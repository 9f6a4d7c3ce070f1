package io.runwarden.controller;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.WorkerReport;
import java.util.Objects;

/**
 * Which updates of a run are worth a reconcile.
 *
 * <p>Yes: a spec change (generation), an annotation change (manual actions), and a worker report
 * that says something new: a claim, progress, an outcome, a checkpoint. No: the operator's own
 * status writes (no loop), and heartbeat-only reports. A heartbeat only moves a deadline later, and
 * the core reads the latest heartbeat from the report when that deadline's wake-up comes, so
 * skipping them saves a reconcile per heartbeat per run without delaying any decision.
 */
public class ReportChangeFilter implements OnUpdateFilter<QualificationRun> {

  @Override
  public boolean accept(QualificationRun newRun, QualificationRun oldRun) {
    if (!Objects.equals(
        newRun.getMetadata().getGeneration(), oldRun.getMetadata().getGeneration())) {
      return true;
    }
    if (!Objects.equals(
        newRun.getMetadata().getAnnotations(), oldRun.getMetadata().getAnnotations())) {
      return true;
    }
    return !sameButHeartbeat(report(newRun), report(oldRun));
  }

  private static WorkerReport report(QualificationRun run) {
    QualificationRunStatus status = run.getStatus();
    return status == null ? null : status.getReport();
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
        && a.getOutcome() == b.getOutcome()
        && Objects.equals(a.getError(), b.getError())
        && Objects.equals(a.getRetryable(), b.getRetryable());
  }
}
