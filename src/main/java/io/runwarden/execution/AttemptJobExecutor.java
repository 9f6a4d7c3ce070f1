package io.runwarden.execution;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.kube.ApiErrors;
import io.runwarden.kube.UidDelete;
import io.runwarden.lifecycle.AttemptObservation;
import io.runwarden.lifecycle.AttemptObservation.State;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Carries out a {@link JobPlan}: the only code that creates or deletes attempt Jobs. */
@ApplicationScoped
public class AttemptJobExecutor {

  private static final Logger LOG = Logger.getLogger(AttemptJobExecutor.class);

  private final KubernetesClient client;
  private final WorkerCredentials credentials;

  public AttemptJobExecutor(KubernetesClient client, WorkerCredentials credentials) {
    this.client = client;
    this.credentials = credentials;
  }

  /**
   * Creates the attempt's Job. An existing Job of that name that is ours (same run, same attempt)
   * is adopted: that is the crash-between-decide-and-create case, and it must not make a second.
   *
   * @return empty when the Job exists; else what stops it: {@code Rejected} (naming the spec field)
   *     when the template cannot become a Job or the run's own credentials cannot be made, {@code
   *     Waiting} when the API server refuses it for now (a quota, an admission policy: 403)
   */
  public Optional<AttemptObservation> create(
      QualificationRun run,
      int attempt,
      String checkpoint,
      String serviceJobId,
      Duration deadline) {
    if (run.getSpec().getJob().ownRunAccess()) {
      Optional<String> refused = credentials.ensure(run);
      if (refused.isPresent()) {
        return Optional.of(AttemptObservation.of(State.Rejected, null, refused.get()));
      }
    }
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
      String said = ApiErrors.said(e);
      if (e.getCode() == 409) {
        adopt(run, job);
        return Optional.empty();
      }
      if (e.getCode() == 422 || e.getCode() == 400 || e.getCode() == 413) {
        return Optional.of(
            AttemptObservation.of(
                State.Rejected,
                null,
                "spec.job.template: the API server refused the Job of attempt "
                    + attempt
                    + ": "
                    + said));
      }
      if (e.getCode() == 403) {
        // A quota or an admission policy: it may change, so the attempt waits (StartTimeout
        // bounds it) instead of failing the run, and the run keeps its timers.
        LOG.warnf(
            "%s/%s: Job %s refused: %s",
            run.getMetadata().getNamespace(),
            run.getMetadata().getName(),
            job.getMetadata().getName(),
            said);
        return Optional.of(
            AttemptObservation.of(State.Waiting, null, "the API server refused the Job: " + said));
      }
      throw e;
    }
  }

  /**
   * A Job of the attempt's name exists: ours (a crash between deciding and creating) is adopted.
   * One the run does not own is never taken for its attempt: a leftover of a deleted run of the
   * same name is deleted (UID precondition) and the attempt's Job made on the next reconcile; one
   * that no run owns is someone else's, left alone, and the attempt cannot start (StartTimeout will
   * say why).
   */
  private void adopt(QualificationRun run, Job wanted) {
    Job existing = client.resource(wanted).get();
    if (existing == null || run.owns(existing)) {
      LOG.debugf("Job %s exists already: adopted", wanted.getMetadata().getName());
      return;
    }
    boolean leftover =
        existing.getMetadata().getOwnerReferences() != null
            && existing.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> QualificationRun.class.getSimpleName().equals(o.getKind()));
    if (leftover) {
      LOG.infof(
          "%s/%s: Job %s belongs to an earlier run of this name: deleted",
          run.getMetadata().getNamespace(),
          run.getMetadata().getName(),
          existing.getMetadata().getName());
      UidDelete.delete(client, existing, "jobs");
    } else {
      LOG.warnf(
          "%s/%s: Job %s exists and is not owned by this run: not adopted",
          run.getMetadata().getNamespace(),
          run.getMetadata().getName(),
          existing.getMetadata().getName());
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
