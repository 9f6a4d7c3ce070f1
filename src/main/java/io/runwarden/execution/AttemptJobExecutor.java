package io.runwarden.execution;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.api.v1alpha1.QualificationRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Carries out a {@link JobPlan}: the only code that creates or deletes attempt Jobs. */
@ApplicationScoped
public class AttemptJobExecutor {

  private static final Logger LOG = Logger.getLogger(AttemptJobExecutor.class);

  private final KubernetesClient client;

  public AttemptJobExecutor(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Creates the attempt's Job. An existing Job of that name that is ours (same run, same attempt)
   * is adopted: that is the crash-between-decide-and-create case, and it must not make a second.
   *
   * @return the API server's refusal message when the template cannot become a Job
   */
  public Optional<String> create(
      QualificationRun run,
      int attempt,
      String checkpoint,
      String serviceJobId,
      Duration deadline) {
    Job job =
        AttemptJobs.build(
            run, attempt, checkpoint, serviceJobId, deadline, client.getKubernetesSerialization());
    try {
      client.resource(job).create();
      LOG.infof(
          "%s/%s: created Job %s for attempt %d",
          job.getMetadata().getNamespace(),
          run.getMetadata().getName(),
          job.getMetadata().getName(),
          attempt);
      return Optional.empty();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        LOG.debugf("Job %s exists already: adopted", job.getMetadata().getName());
        return Optional.empty();
      }
      if (e.getCode() == 422 || e.getCode() == 400) {
        return Optional.of(e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
      }
      throw e;
    }
  }

  /** Deletes an attempt's Job (its pods go with it) and any live pod left behind. */
  public void delete(ObservedAttempt attempt) {
    if (attempt.job() != null && attempt.job().getMetadata().getDeletionTimestamp() == null) {
      client.resource(attempt.job()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      LOG.infof(
          "%s: deleted Job %s of attempt %d",
          attempt.job().getMetadata().getNamespace(),
          attempt.job().getMetadata().getName(),
          attempt.attempt());
    }
    // Pods are normally removed by the garbage collector after the Job; deleting them here too
    // means the next attempt never waits on a collector that is slow or absent.
    attempt.livePods().forEach(p -> client.resource(p).delete());
  }
}
