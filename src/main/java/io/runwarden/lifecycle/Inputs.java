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
 *     is slow to accept writes or most runs are silent at once (never the run or attempt deadline)
 * @param livenessGraceWhy why, for the limit's message ("while the API server is slow ...")
 */
public record Inputs(
    WorkerReport report,
    AttemptObservation job,
    Admission admission,
    ExternalResult external,
    Duration livenessGrace,
    String livenessGraceWhy) {

  public static final String SLOW_API_SERVER = "while the API server is slow to accept writes";

  public static final Inputs NONE =
      new Inputs(null, null, null, null, Duration.ZERO, SLOW_API_SERVER);

  public Inputs withReport(WorkerReport report) {
    return new Inputs(report, job, admission, external, livenessGrace, livenessGraceWhy);
  }

  public Inputs withJob(AttemptObservation job) {
    return new Inputs(report, job, admission, external, livenessGrace, livenessGraceWhy);
  }

  public Inputs withAdmission(Admission admission) {
    return new Inputs(report, job, admission, external, livenessGrace, livenessGraceWhy);
  }

  public Inputs withExternal(ExternalResult external) {
    return new Inputs(report, job, admission, external, livenessGrace, livenessGraceWhy);
  }

  public Inputs withLivenessGrace(Duration grace) {
    return withLivenessGrace(grace, SLOW_API_SERVER);
  }

  public Inputs withLivenessGrace(Duration grace, String why) {
    return new Inputs(report, job, admission, external, grace == null ? Duration.ZERO : grace, why);
  }
}
