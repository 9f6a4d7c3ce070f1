package io.runwarden.lifecycle;

/**
 * Facts the shell gathered for one decision, besides the run itself. Each may be null: not
 * applicable, or not known yet.
 *
 * @param job the current attempt's Job (managed mode, spec.job)
 * @param admission whether the run may hold its concurrency key (spec.concurrency)
 * @param external the external service's answer, when the previous decision asked for it
 */
public record Inputs(AttemptObservation job, Admission admission, ExternalResult external) {

  public static final Inputs NONE = new Inputs(null, null, null);

  public Inputs withJob(AttemptObservation job) {
    return new Inputs(job, admission, external);
  }

  public Inputs withAdmission(Admission admission) {
    return new Inputs(job, admission, external);
  }

  public Inputs withExternal(ExternalResult external) {
    return new Inputs(job, admission, external);
  }
}
