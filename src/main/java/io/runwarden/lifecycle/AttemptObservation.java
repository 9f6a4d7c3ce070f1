package io.runwarden.lifecycle;

/**
 * What the cluster shows of the current attempt's Job, in managed mode (spec.job). Built by the
 * shell from the Job and pod informers; the core only reads it.
 *
 * @param detail for humans: the pod's waiting reason, termination message, or why the Job ended
 * @param exitCode a failed attempt's container exit code, when a container exited non-zero
 */
public record AttemptObservation(State state, String worker, String detail, Integer exitCode) {

  public enum State {
    /** No Job for the attempt yet: it is to be created. */
    NotCreated,
    /** The Job exists; no pod is running yet, and nothing is known to block one. */
    Created,
    /** A pod can't start: image pull errors, config errors, unschedulable. See detail. */
    Waiting,
    /** A pod of the attempt is running. */
    Started,
    Succeeded,
    Failed,
    /**
     * The attempt's pod was evicted or preempted, or its node went away: not the worker's doing.
     * Retried outside the retry budget.
     */
    Disrupted,
    /** The Job was seen before and has been deleted behind the operator's back. */
    Gone,
    /** The API server refused to create the Job: the template cannot become a Job. */
    Rejected
  }

  public static AttemptObservation of(State state, String worker, String detail) {
    return new AttemptObservation(state, worker, detail, null);
  }

  public static AttemptObservation failed(String worker, String detail, Integer exitCode) {
    return new AttemptObservation(State.Failed, worker, detail, exitCode);
  }
}
