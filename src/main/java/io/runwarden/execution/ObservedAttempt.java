package io.runwarden.execution;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.runwarden.lifecycle.AttemptObservation;
import java.util.List;

/**
 * One attempt's Job and pods as the informers show them.
 *
 * @param job null when only pods are left (the Job was deleted, its pods not yet)
 * @param livePods pods neither finished nor already being deleted
 */
public record ObservedAttempt(
    int attempt, Job job, List<Pod> livePods, AttemptObservation observation) {

  /** Anything of this attempt that could still be running or still needs deleting. */
  public boolean leftovers() {
    return job != null || !livePods.isEmpty();
  }

  public boolean finished() {
    AttemptObservation.State s = observation.state();
    return s == AttemptObservation.State.Succeeded
        || s == AttemptObservation.State.Failed
        || s == AttemptObservation.State.Disrupted;
  }
}
