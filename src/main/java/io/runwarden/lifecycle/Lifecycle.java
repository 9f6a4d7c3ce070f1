package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The pure decision core: (run as observed, now) -> new status + events + next wake-up.
 *
 * <p>It never touches the Kubernetes client or the wall clock, so every rule is a unit test with a
 * fake clock, and an operator restart judges each run by the same rules from the timestamps
 * recorded in its status and report.
 *
 * <p>{@link #decide} reads as the table of contents: each rule is a class of its own over one
 * shared {@link Evaluation} (the inputs, the working status, what was decided), and {@link
 * Transitions} holds the verbs they share. In order of precedence:
 *
 * <ol>
 *   <li>Terminal runs never change, except a failed run reopened by a retry request ({@link
 *       ManualRequests}).
 *   <li>An invalid spec fails the run with {@code InvalidSpec}, naming the field.
 *   <li>First sight: accepted, or queued behind its concurrency key ({@link Acceptance}).
 *   <li>The run deadline ({@code timeoutAt}) fails the run with {@code DeadlineExceeded}, whatever
 *       else is happening: no retry.
 *   <li>Force-fail and retry-now requests ({@link ManualRequests}); a run replaced under its key
 *       fails ({@link Acceptance}).
 *   <li>{@code spec.suspend} pauses every other timer ({@link Suspension}).
 *   <li>The phase rules, forward only: resume ({@link Suspension}), retry after backoff and the
 *       external service's answer ({@link RetryRule}, {@link ServiceCheck}), admission and claim or
 *       {@code StartTimeout} ({@link StartRule}), then a worker or Job outcome, {@code
 *       AttemptTimedOut}, {@code HeartbeatLost}, {@code NoProgress} ({@link RunningRules}). An
 *       ended attempt is retried after a capped exponential backoff when its reason is retryable
 *       and budget is left, else the run fails ({@link Transitions#attemptEnded}).
 *   <li>After every decision: the derived conditions ({@link DerivedConditions}), then progress and
 *       its ETA, mirrored at most once per {@code progressRefresh} ({@link ProgressTracking}).
 * </ol>
 */
public final class Lifecycle {

  /**
   * Characters of a request annotation's value kept (escaped): enough for a reason or a ticket
   * link, and what the status, the message and the event carry.
   */
  static final int REQUEST_TEXT_MAX = 256;

  /** How much later than the operator a Job's own activeDeadlineSeconds fires. */
  static final Duration JOB_DEADLINE_GRACE = Duration.ofSeconds(30);

  private final LifecycleDefaults defaults;
  private final Optional<String> operatorNamespace;

  public Lifecycle(LifecycleDefaults defaults) {
    this(defaults, Optional.empty());
  }

  /**
   * @param operatorNamespace where the operator runs: runs there are refused (InvalidSpec), since a
   *     run's pods and probe headers would come from the operator's own Secrets and accounts
   */
  public Lifecycle(LifecycleDefaults defaults, Optional<String> operatorNamespace) {
    this.defaults = defaults;
    this.operatorNamespace = operatorNamespace;
  }

  /** With no facts but the run itself (external workers, no key, no service answer yet). */
  public Decision decide(QualificationRun run, Instant now) {
    return decide(run, Inputs.NONE, now);
  }

  /**
   * The rules in the order they apply. Phases only move forward within one evaluation, and in the
   * order of the phase checks at the end: a run that resumes may retry, a retry's new attempt may
   * be claimed, a claimed attempt is judged running, but an attempt that ends is not retried in the
   * same pass (its backoff and the service check wait for the next one).
   */
  public Decision decide(QualificationRun run, Inputs inputs, Instant now) {
    Evaluation e = new Evaluation(run, inputs, now, defaults);
    e.s.setObservedGeneration(e.generation);
    if (e.terminal() && !ManualRequests.reopenFinishedRun(e)) {
      return finish(e);
    }
    if (!validSpec(e)) {
      return finish(e);
    }
    if (e.phase() == null) {
      Acceptance.accept(e);
    }
    if (deadlinePassed(e)) {
      return finish(e);
    }
    if (ManualRequests.forceFail(e)) {
      return finish(e);
    }
    ManualRequests.retryNow(e);
    if (Acceptance.replaced(e) || Suspension.holds(e)) {
      return finish(e);
    }
    if (e.phase() == Phase.Suspended) {
      Suspension.resume(e);
    }
    if (e.phase() == Phase.Retrying) {
      RetryRule.apply(e);
    }
    if (e.phase() == Phase.Pending) {
      StartRule.apply(e);
    }
    if (e.phase() == Phase.Running) {
      RunningRules.apply(e);
    }
    return finish(e);
  }

  private static Decision finish(Evaluation e) {
    if (e.s.getPhase() != Phase.Pending
        || Conditions.isTrue(e.s.getConditions(), ConditionTypes.QUEUED)) {
      e.s.setStartTimeoutAt(null); // only while an attempt waits for its claim
    }
    if (e.externalRequest == null) {
      DerivedConditions.refresh(e); // before the mirror: it compares AtRisk as refreshed
      ProgressTracking.deferMirror(e);
    }
    return e.decision();
  }

  /**
   * Resolves the spec into the evaluation's policy, or fails the run InvalidSpec naming the field.
   */
  private boolean validSpec(Evaluation e) {
    try {
      if (operatorNamespace.filter(e.run.getMetadata().getNamespace()::equals).isPresent()) {
        throw InvalidSpecException.ofMetadata(
            "namespace",
            "runs are refused in the operator's own namespace "
                + operatorNamespace.get()
                + " (its Secrets and service accounts are the operator's); create it in a"
                + " team's namespace");
      }
      e.policy = RunPolicy.resolve(e.run.getSpec(), defaults);
      return true;
    } catch (InvalidSpecException ex) {
      if (e.s.getStartedAt() == null) {
        e.s.setStartedAt(Times.format(e.now));
      }
      Transitions.fail(
          e, Reasons.INVALID_SPEC, ex.getMessage() + ". Fix the spec and create the run again.");
      return false;
    }
  }

  /** The run deadline ({@code timeoutAt}) fails the run whatever else happens: no retry. */
  private static boolean deadlinePassed(Evaluation e) {
    Instant timeoutAt = e.created().plus(e.policy.run());
    e.s.setTimeoutAt(Times.format(timeoutAt));
    e.s.setMaxRetries(e.policy.maxRetries());
    if (e.now.isBefore(timeoutAt)) {
      e.wake(timeoutAt);
      return false;
    }
    e.enforced(Reasons.DEADLINE_EXCEEDED, timeoutAt);
    Transitions.fail(
        e,
        Reasons.DEADLINE_EXCEEDED,
        "The run deadline %s (timeouts.run=%s) passed in phase %s; it is not retried."
            .formatted(Times.format(timeoutAt), DurationParser.format(e.policy.run()), e.phase()));
    return true;
  }

  /**
   * The heartbeat timeout in force for this run (spec or operator default), if any, for the run's
   * report: workers heartbeat at a fraction of it.
   */
  public Optional<Duration> heartbeatTimeout(QualificationRun run) {
    try {
      return RunPolicy.resolve(run.getSpec(), defaults).heartbeat();
    } catch (InvalidSpecException e) {
      return Optional.empty();
    }
  }

  /**
   * The run's deadline as its spec sets it (creation + timeouts.run), for when no status holds it
   * yet; empty for a spec that cannot be resolved (that run fails InvalidSpec anyway).
   */
  public Optional<Instant> specDeadline(QualificationRun run) {
    try {
      Instant created = Times.parse(run.getMetadata().getCreationTimestamp());
      return created == null
          ? Optional.empty()
          : Optional.of(created.plus(RunPolicy.resolve(run.getSpec(), defaults).run()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** How long the external probe may take for this run (spec.externalService.timeout). */
  public Duration externalTimeout(QualificationRun run) {
    Duration t = RunPolicy.resolve(run.getSpec(), defaults).externalTimeout();
    return t == null ? Duration.ofSeconds(5) : t;
  }

  /**
   * activeDeadlineSeconds for an attempt Job created now: a second line of defence should the
   * operator be down, so a little after the limits the operator itself enforces (the run deadline,
   * and start + attempt limits when an attempt limit is set).
   */
  public Duration jobActiveDeadline(QualificationRun run, Instant now) {
    RunPolicy policy = RunPolicy.resolve(run.getSpec(), defaults);
    Instant created = Times.parse(run.getMetadata().getCreationTimestamp());
    Duration untilDeadline =
        Duration.between(now, (created == null ? now : created).plus(policy.run()));
    Duration limit =
        policy
            .attempt()
            .map(a -> a.plus(policy.start()))
            .filter(d -> d.compareTo(untilDeadline) < 0)
            .orElse(untilDeadline);
    return limit.plus(JOB_DEADLINE_GRACE);
  }
}
