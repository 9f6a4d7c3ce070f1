package io.runwarden.execution;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.lifecycle.AttemptObservation;
import io.runwarden.lifecycle.AttemptObservation.State;
import io.runwarden.lifecycle.Decision;
import io.runwarden.lifecycle.Inputs;
import io.runwarden.lifecycle.Lifecycle;
import io.runwarden.lifecycle.RunEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Managed mode (spec.job): observe the attempt Jobs, let the core decide, then make the cluster
 * match the decision through a {@link JobPlan}.
 */
@ApplicationScoped
public class ManagedExecution {

  /** How soon a Job the API server refused for now (403) is asked for again. */
  static final java.time.Duration REFUSED_JOB_RETRY = java.time.Duration.ofSeconds(5);

  private final Lifecycle lifecycle;
  private final AttemptJobExecutor executor;
  private final KubernetesSerialization serialization;
  private final PodTemplatePolicy policy;
  private final PodTemplates templates;

  public ManagedExecution(
      Lifecycle lifecycle,
      AttemptJobExecutor executor,
      io.fabric8.kubernetes.client.KubernetesClient client,
      PodTemplatePolicy policy,
      PodTemplates templates) {
    this.lifecycle = lifecycle;
    this.executor = executor;
    this.policy = policy;
    this.templates = templates;
    this.serialization = client.getKubernetesSerialization();
  }

  /**
   * The Jobs this run owns (by UID), and the pods those Jobs own. A Job of the run's name or labels
   * that it does not own (left by a deleted run of the same name, or made by someone else) never
   * decides its outcome, and is never deleted as one of its attempts.
   */
  public static Owned owned(QualificationRun run, Collection<Job> jobs, Collection<Pod> pods) {
    List<Job> own = jobs.stream().filter(run::owns).toList();
    Set<String> uids = own.stream().map(j -> j.getMetadata().getUid()).collect(Collectors.toSet());
    List<Pod> ownPods =
        pods.stream()
            .filter(
                p ->
                    p.getMetadata().getOwnerReferences() != null
                        && p.getMetadata().getOwnerReferences().stream()
                            .anyMatch(o -> uids.contains(o.getUid())))
            .toList();
    return new Owned(own, ownPods);
  }

  /** A run's own attempt Jobs and their pods. */
  public record Owned(List<Job> jobs, List<Pod> pods) {}

  /** Facts about the current attempt's Job for the core. */
  public Inputs observe(
      QualificationRun run, Collection<Job> jobs, Collection<Pod> pods, Inputs in) {
    return in.withJob(current(run, run.getStatus(), JobObserver.observe(jobs, pods)));
  }

  /**
   * Makes the Jobs match the decision.
   *
   * @return the decision, decided again if the API server refused the Job
   */
  public Decision execute(
      QualificationRun run,
      Decision decision,
      Inputs inputs,
      Collection<Job> jobs,
      Collection<Pod> pods,
      Instant now) {
    Map<Integer, ObservedAttempt> observed = JobObserver.observe(jobs, pods);

    JobPlan plan = JobPlan.plan(decision.status(), observed);
    plan.delete().forEach(a -> executor.delete(observed.get(a)));
    if (plan.create().isPresent()) {
      QualificationRunStatus next = decision.status();
      Optional<AttemptObservation> refused = create(run, plan.create().get(), next, now);
      if (refused.isPresent()) {
        decision = decideAgain(run, decision, inputs.withJob(refused.get()), now);
        if (refused.get().state() == State.Waiting) {
          // Refused for now: ask again soon, within the attempt's own timers.
          decision = decision.wakeNoLaterThan(now.plus(REFUSED_JOB_RETRY));
        }
      }
    }
    decision.status().setJobName(jobName(run, decision.status(), observed));
    return decision;
  }

  /** The attempt's Job from the run's template (inline or referenced), if the policy allows it. */
  private Optional<AttemptObservation> create(
      QualificationRun run, int attempt, QualificationRunStatus next, Instant now) {
    PodTemplates.Resolved template = templates.resolve(run);
    if (template.refused() != null) {
      return Optional.of(template.refused());
    }
    Optional<String> forbidden = policy.violation(template.run());
    if (forbidden.isPresent()) {
      return Optional.of(AttemptObservation.of(State.Rejected, null, forbidden.get()));
    }
    return executor.create(
        template.run(),
        attempt,
        next.getCheckpoint(),
        next.getServiceJobId(),
        lifecycle.jobActiveDeadline(run, now));
  }

  /** The current attempt as the informers show it, or Gone when its known Job has vanished. */
  static AttemptObservation current(
      QualificationRun run, QualificationRunStatus status, Map<Integer, ObservedAttempt> observed) {
    int attempt = status == null || status.getAttempt() == null ? 1 : status.getAttempt();
    ObservedAttempt o = observed.get(attempt);
    String expected = AttemptJobs.jobName(run.getMetadata().getName(), attempt);
    boolean seenBefore = status != null && expected.equals(status.getJobName());
    if ((o == null || o.job() == null) && seenBefore) {
      return AttemptObservation.of(State.Gone, null, "Job " + expected + " was deleted");
    }
    return o == null ? AttemptObservation.of(State.NotCreated, null, null) : o.observation();
  }

  /**
   * status.jobName is recorded only once the informer has shown the Job: a Job we just created but
   * have not seen yet must never count as Gone.
   */
  private static String jobName(
      QualificationRun run, QualificationRunStatus next, Map<Integer, ObservedAttempt> observed) {
    if (next.getAttempt() == null) {
      // Failed before any attempt began (InvalidSpec at the first reconcile): no Job to name.
      return null;
    }
    ObservedAttempt o = observed.get(next.getAttempt());
    if (o != null && o.job() != null) {
      return o.job().getMetadata().getName();
    }
    QualificationRunStatus old = run.getStatus();
    boolean sameAttempt = old != null && Objects.equals(old.getAttempt(), next.getAttempt());
    return sameAttempt ? old.getJobName() : null;
  }

  /** Decide once more from the state just decided, with one more fact about its attempt. */
  private Decision decideAgain(QualificationRun run, Decision first, Inputs facts, Instant now) {
    QualificationRun decided = serialization.clone(run);
    decided.setStatus(serialization.clone(first.status()));
    Decision second = lifecycle.decide(decided, facts, now);
    List<RunEvent> events = new ArrayList<>(first.events());
    events.addAll(second.events());
    List<io.runwarden.lifecycle.Enforcement> enforced = new ArrayList<>(first.enforced());
    enforced.addAll(second.enforced());
    return new Decision(
        second.status(),
        List.copyOf(events),
        second.wakeAt(),
        second.externalCheck(),
        List.copyOf(enforced));
  }
}
