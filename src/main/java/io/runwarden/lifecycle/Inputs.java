package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.WorkerReport;

/**
 * Facts the shell gathered for one decision, besides the run itself. Each may be null: not
 * applicable, or not known yet.
 *
 * @param report the worker's report (the status of the run's QualificationRunReport), when the
 *     report is the run's own and was written for the attempt its spec opened
 * @param job the current attempt's Job (managed mode, spec.job)
 * @param admission whether the run may hold its concurrency key (spec.concurrency)
 * @param external the external service's answer, when the previous decision asked for it
 */
public record Inputs(
    WorkerReport report, AttemptObservation job, Admission admission, ExternalResult external) {

  public static final Inputs NONE = new Inputs(null, null, null, null);

  public Inputs withReport(WorkerReport report) {
    return new Inputs(report, job, admission, external);
  }

  public Inputs withJob(AttemptObservation job) {
    return new Inputs(report, job, admission, external);
  }

  public Inputs withAdmission(Admission admission) {
    return new Inputs(report, job, admission, external);
  }

  public Inputs withExternal(ExternalResult external) {
    return new Inputs(report, job, admission, external);
  }
}
