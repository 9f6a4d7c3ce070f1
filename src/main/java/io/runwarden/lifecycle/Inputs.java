package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.WorkerReport;
import java.time.Duration;

/**
 * Facts the shell gathered for one decision, besides the run itself. Each may be null: not
 * applicable, or not known yet.
 *
 * @param report the worker's report (the status of the run's QualificationRunReport), when the
 *     report is the run's own and was written for the attempt its spec opened
 * @param job the current attempt's Job (managed mode, spec.job)
 * @param admission whether the run may hold its concurrency key (spec.concurrency)
 * @param external the external service's answer, when the previous decision asked for it
 * @param livenessGrace extra time for the start, heartbeat and progress limits while the API server
 *     is slow to accept writes (at most each limit again; never the run or attempt deadline)
 */
public record Inputs(
    WorkerReport report,
    AttemptObservation job,
    Admission admission,
    ExternalResult external,
    Duration livenessGrace) {

  public static final Inputs NONE = new Inputs(null, null, null, null, Duration.ZERO);

  public Inputs withReport(WorkerReport report) {
    return new Inputs(report, job, admission, external, livenessGrace);
  }

  public Inputs withJob(AttemptObservation job) {
    return new Inputs(report, job, admission, external, livenessGrace);
  }

  public Inputs withAdmission(Admission admission) {
    return new Inputs(report, job, admission, external, livenessGrace);
  }

  public Inputs withExternal(ExternalResult external) {
    return new Inputs(report, job, admission, external, livenessGrace);
  }

  public Inputs withLivenessGrace(Duration grace) {
    return new Inputs(report, job, admission, external, grace == null ? Duration.ZERO : grace);
  }
}
