package io.runwarden.lifecycle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.runwarden.api.v1alpha1.AttemptRecord;
import io.runwarden.api.v1alpha1.HandledRequests;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.Progress;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.ResumePolicy;
import io.runwarden.api.v1alpha1.RetryReason;
import io.runwarden.api.v1alpha1.WorkerReport;
import io.runwarden.text.UserText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The pure decision core: (run as observed, now) -> new status + events + next wake-up.
 *
 * <p>It never touches the Kubernetes client or the wall clock, so every rule is a unit test with a
 * fake clock, and an operator restart judges each run by the same rules from the timestamps
 * recorded in its status and report.
 *
 * <p>Rules, in order of precedence:
 *
 * <ol>
 *   <li>Terminal runs never change.
 *   <li>An invalid spec fails the run with {@code InvalidSpec}, naming the field.
 *   <li>The run deadline ({@code timeoutAt}) fails the run with {@code DeadlineExceeded}, whatever
 *       else is happening: no retry.
 *   <li>{@code spec.suspend} pauses every other timer.
 *   <li>A worker outcome for the current attempt ends it; otherwise the attempt, start, heartbeat
 *       and progress limits do.
 *   <li>An ended attempt is retried after a capped exponential backoff when its reason is retryable
 *       and budget is left, else the run fails.
 * </ol>
 */
public final class Lifecycle {

  private static final ObjectMapper COPIER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** How far ahead of the operator's clock a worker's heartbeat may be and still count. */
  static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(30);

  /** One-shot request: any new value starts a new attempt now (see {@code status.requests}). */
  public static final String RETRY_NOW = "runwarden.io/retry-now";

  /** One-shot request: any new value fails the run, the value being the message. */
  public static final String FORCE_FAIL = "runwarden.io/force-fail";

  /** Annotation the concurrency gate puts on a run that a newer one replaces (value: its name). */
  public static final String REPLACED_BY = "runwarden.io/replaced-by";

  /**
   * Characters of a request annotation's value kept (escaped): enough for a reason or a ticket
   * link, and what the status, the message and the event carry.
   */
  static final int REQUEST_TEXT_MAX = 256;

  /** How often the external service is asked again while it says the work is still running. */
  static final Duration EXTERNAL_RECHECK = Duration.ofSeconds(30);

  /** The service is never asked again sooner than this. */
  static final Duration MIN_EXTERNAL_RECHECK = Duration.ofSeconds(5);

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

  public Decision decide(QualificationRun run, Inputs inputs, Instant now) {
    return new Evaluation(run, inputs, now).evaluate();
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

  /** One evaluation: a working copy of the status plus what it has decided so far. */
  private final class Evaluation {
    private final QualificationRun run;

    /** Observation of the current attempt's Job; reset when a new attempt begins. */
    private AttemptObservation job;

    private final boolean managed;
    private final Instant now;
    private final Long generation;
    private final WorkerReport report;

    /** Extra time on the start, heartbeat and progress limits (Inputs#livenessGrace). */
    private final Duration livenessGrace;

    private final QualificationRunStatus s;
    private final List<RunEvent> events = new ArrayList<>();
    private final List<Enforcement> enforced = new ArrayList<>();
    private Instant wakeAt;
    private RunPolicy policy;
    private boolean attemptClosed;

    private final Admission admission;
    private final ExternalResult external;
    private ExternalCheckRequest externalRequest;

    Evaluation(QualificationRun run, Inputs inputs, Instant now) {
      this.run = run;
      this.managed = run.getSpec() != null && run.getSpec().getJob() != null;
      this.job = managed ? inputs.job() : null;
      this.admission = inputs.admission() == null ? Admission.ADMITTED : inputs.admission();
      this.external = inputs.external();
      this.now = now;
      this.generation = run.getMetadata().getGeneration();
      this.report = inputs.report();
      this.livenessGrace = inputs.livenessGrace() == null ? Duration.ZERO : inputs.livenessGrace();
      QualificationRunStatus observed = run.getStatus();
      this.s =
          observed == null
              ? new QualificationRunStatus()
              : COPIER.convertValue(observed, QualificationRunStatus.class);
    }

    Decision evaluate() {
      s.setObservedGeneration(generation);
      if (s.getPhase() != null && s.getPhase().isTerminal() && !reopenedByRequest()) {
        return done();
      }
      try {
        if (operatorNamespace.filter(run.getMetadata().getNamespace()::equals).isPresent()) {
          throw InvalidSpecException.ofMetadata(
              "namespace",
              "runs are refused in the operator's own namespace "
                  + operatorNamespace.get()
                  + " (its Secrets and service accounts are the operator's); create it in a"
                  + " team's namespace");
        }
        policy = RunPolicy.resolve(run.getSpec(), defaults);
      } catch (InvalidSpecException e) {
        if (s.getStartedAt() == null) {
          s.setStartedAt(Times.format(now));
        }
        fail(Reasons.INVALID_SPEC, e.getMessage() + ". Fix the spec and create the run again.");
        return done();
      }
      if (s.getPhase() == null) {
        accept();
      }
      Instant timeoutAt = created().plus(policy.run());
      s.setTimeoutAt(Times.format(timeoutAt));
      s.setMaxRetries(policy.maxRetries());
      if (!now.isBefore(timeoutAt)) {
        enforced.add(new Enforcement(Reasons.DEADLINE_EXCEEDED, timeoutAt));
        fail(
            Reasons.DEADLINE_EXCEEDED,
            "The run deadline "
                + Times.format(timeoutAt)
                + " (timeouts.run="
                + DurationParser.format(policy.run())
                + ") passed in phase "
                + s.getPhase()
                + "; it is not retried.");
        return done();
      }
      wake(timeoutAt);

      if (forceFailRequested()) {
        return done();
      }
      retryNowRequested(timeoutAt);

      String replacedBy = UserText.escape(annotation(REPLACED_BY), REQUEST_TEXT_MAX);
      if (replacedBy != null) {
        fail(
            Reasons.REPLACED,
            "Replaced by run "
                + replacedBy
                + " (concurrency key "
                + run.getSpec().getConcurrency().getKey()
                + ", policy Replace).");
        return done();
      }
      if (policy.suspend()) {
        suspend(timeoutAt);
        return done();
      }
      if (s.getPhase() == Phase.Suspended) {
        resume();
      }
      if (s.getPhase() == Phase.Retrying) {
        retrying();
      }
      if (s.getPhase() == Phase.Pending) {
        pending();
      }
      if (s.getPhase() == Phase.Running) {
        running();
      }
      return done();
    }

    private Decision done() {
      if (externalRequest != null) {
        // Nothing decided yet: the shell asks the service and decides again with the answer.
        return new Decision(
            run.getStatus(), List.of(), Optional.empty(), Optional.of(externalRequest), List.of());
      }
      refreshConditions();
      deferProgressMirror();
      boolean terminal = s.getPhase() != null && s.getPhase().isTerminal();
      return new Decision(
          s,
          List.copyOf(events),
          terminal ? Optional.empty() : Optional.ofNullable(wakeAt),
          Optional.empty(),
          List.copyOf(enforced));
    }

    /**
     * Progress alone is mirrored into the status at most once per {@code progressRefresh}: a worker
     * reporting every few seconds would otherwise cost a status write per report (issue #8's budget
     * is four writes per attempt). Nothing is lost meanwhile: the report itself holds the newest
     * progress, checkpoint and service job id, every rule reads the report before judging (a
     * NoProgress deadline sees unmirrored progress as fresh), and any transition writes everything
     * at once. A deferred mirror wakes the run when it is due.
     */
    private void deferProgressMirror() {
      QualificationRunStatus before = run.getStatus();
      if (before == null
          || !events.isEmpty()
          || before.getPhase() != s.getPhase()
          || before.getProgress() == null) {
        return;
      }
      Instant mirrored = Times.parse(before.getProgress().getLastProgressAt());
      if (mirrored == null) {
        return;
      }
      Instant due = mirrored.plus(defaults.progressRefresh());
      if (!now.isBefore(due)) {
        return;
      }
      QualificationRunStatus held = COPIER.convertValue(s, QualificationRunStatus.class);
      held.setProgress(before.getProgress());
      held.setEstimatedCompletionAt(before.getEstimatedCompletionAt());
      held.setCheckpoint(before.getCheckpoint());
      held.setServiceJobId(before.getServiceJobId());
      Condition risk = Conditions.find(before.getConditions(), ConditionTypes.AT_RISK);
      Condition riskNow = Conditions.find(s.getConditions(), ConditionTypes.AT_RISK);
      if (risk != null && riskNow != null && risk.getStatus().equals(riskNow.getStatus())) {
        held.setConditions(s.getConditions().stream().map(c -> c == riskNow ? risk : c).toList());
      }
      if (COPIER.valueToTree(held).equals(COPIER.valueToTree(before))) {
        // Only the mirror changed: keep the stored status and come back when the mirror is due.
        s.setProgress(held.getProgress());
        s.setEstimatedCompletionAt(held.getEstimatedCompletionAt());
        s.setCheckpoint(held.getCheckpoint());
        s.setServiceJobId(held.getServiceJobId());
        s.setConditions(held.getConditions());
        wake(due);
      }
    }

    // --- phases -------------------------------------------------------------------------------

    private void accept() {
      s.setStartedAt(Times.format(now));
      s.setAttempt(1);
      s.setRetryCount(0);
      beginAttempt();
      s.setPhase(Phase.Pending);
      if (!admission.admitted()) {
        queue();
        return;
      }
      if (keyed()) {
        s.setConditions(
            Conditions.set(
                s.getConditions(),
                ConditionTypes.QUEUED,
                false,
                Reasons.ADMITTED,
                "No other active run holds key " + key() + ".",
                generation,
                now));
      }
      s.setReason(Reasons.ACCEPTED);
      String message =
          "Attempt 1 waits for a worker to claim it (start timeout "
              + DurationParser.format(policy.start())
              + "); the run must finish by "
              + Times.format(created().plus(policy.run()))
              + ".";
      s.setMessage(message);
      events.add(RunEvent.normal(Reasons.ACCEPTED, message));
    }

    // --- manual requests (annotations), each handled exactly once ------------------------------

    private HandledRequests requests() {
      if (s.getRequests() == null) {
        s.setRequests(new HandledRequests());
      }
      return s.getRequests();
    }

    /**
     * The annotation's value when it is a request not handled yet, else null. The value is taken
     * escaped and capped ({@link #REQUEST_TEXT_MAX}): it is copied into the status, the message, an
     * event and the log, and an annotation may hold 256 KiB. A handled value recorded in full by an
     * older version still counts as handled.
     */
    private String newRequest(String annotation, Function<HandledRequests, String> handledValue) {
      String handled = s.getRequests() == null ? null : handledValue.apply(s.getRequests());
      String raw = annotation(annotation);
      if (raw == null || raw.isBlank() || raw.equals(handled)) {
        return null;
      }
      String value = UserText.escape(raw, REQUEST_TEXT_MAX);
      return value.equals(handled) ? null : value;
    }

    private void refuse(String what, String why) {
      events.add(RunEvent.warning(Reasons.REQUEST_REFUSED, what + " refused: " + why));
    }

    private boolean forceFailRequested() {
      String value = newRequest(FORCE_FAIL, HandledRequests::getForceFail);
      if (value == null) {
        return false;
      }
      requests().setForceFail(value);
      fail(Reasons.FORCE_FAILED, "Force-failed by request (" + FORCE_FAIL + "): " + value);
      return true;
    }

    /** Retry now: a stuck, retrying or running run starts its next attempt immediately. */
    private void retryNowRequested(Instant timeoutAt) {
      String value = newRequest(RETRY_NOW, HandledRequests::getRetryNow);
      if (value == null) {
        return;
      }
      requests().setRetryNow(value);
      if (s.getPhase() == Phase.Suspended || policy.suspend()) {
        refuse("Retry now", "the run is suspended; set spec.suspend=false first.");
        return;
      }
      grantManualRetry();
      if (s.getPhase() == Phase.Pending || s.getPhase() == Phase.Running) {
        closeAttempt(Outcome.Failed, Reasons.MANUAL_RETRY, currentReport());
        s.setLastErrorMessage("Attempt " + s.getAttempt() + " ended by a manual retry request.");
      }
      s.setPhase(Phase.Retrying);
      s.setNextRetryAt(Times.format(now));
      events.add(
          RunEvent.normal(
              Reasons.MANUAL_RETRY,
              "Retry requested ("
                  + value
                  + "): attempt "
                  + (s.getAttempt() + 1)
                  + " starts now. "
                  + budget()));
    }

    /**
     * Requests on a finished run: a failed run may get one more attempt, nothing else may.
     *
     * @return true when the run was reopened (it then goes through the usual rules)
     */
    private boolean reopenedByRequest() {
      String fail = newRequest(FORCE_FAIL, HandledRequests::getForceFail);
      if (fail != null) {
        requests().setForceFail(fail);
        refuse("Force-fail", "the run is already " + s.getPhase() + ".");
      }
      String retry = newRequest(RETRY_NOW, HandledRequests::getRetryNow);
      if (retry == null) {
        return false;
      }
      requests().setRetryNow(retry);
      if (s.getPhase() != Phase.Failed) {
        refuse("Retry now", "the run already " + s.getPhase() + "; there is nothing to redo.");
        return false;
      }
      RunPolicy p;
      try {
        p = RunPolicy.resolve(run.getSpec(), defaults);
      } catch (InvalidSpecException e) {
        refuse("Retry now", e.getMessage() + "; fix the spec first.");
        return false;
      }
      Instant timeoutAt = created().plus(p.run());
      if (!now.isBefore(timeoutAt)) {
        refuse(
            "Retry now",
            "the run deadline "
                + Times.format(timeoutAt)
                + " has passed; extend spec.timeouts.run first.");
        return false;
      }
      grantManualRetry();
      s.setCompletedAt(null);
      s.setPhase(Phase.Retrying);
      s.setNextRetryAt(Times.format(now));
      events.add(
          RunEvent.normal(
              Reasons.MANUAL_RETRY,
              "Retry of the failed run requested ("
                  + retry
                  + "): one extra attempt, "
                  + (s.getAttempt() + 1)
                  + ", starts now. "
                  + budget()));
      return true;
    }

    private void grantManualRetry() {
      var r = requests();
      r.setManualRetries((r.getManualRetries() == null ? 0 : r.getManualRetries()) + 1);
    }

    private String budget() {
      return "Retry budget: "
          + s.getRetryCount()
          + "/"
          + s.getMaxRetries()
          + " automatic retries"
          + " used; manual retries granted: "
          + requests().getManualRetries()
          + ".";
    }

    private void queue() {
      s.setLivenessSince(null);
      s.setReason(Reasons.QUEUED);
      String message =
          "Waits for run "
              + admission.holder()
              + ", which holds concurrency key "
              + key()
              + (admission.message() == null ? "" : " (" + admission.message() + ")")
              + "; it starts when that run ends. The run deadline still applies.";
      s.setMessage(message);
      s.setConditions(
          Conditions.set(
              s.getConditions(),
              ConditionTypes.QUEUED,
              true,
              Reasons.QUEUED,
              message,
              generation,
              now));
      events.add(RunEvent.normal(Reasons.QUEUED, message));
    }

    private void admit() {
      beginAttempt();
      s.setReason(Reasons.ADMITTED);
      String message =
          "Concurrency key "
              + key()
              + " is free: attempt "
              + s.getAttempt()
              + " waits for a worker (start timeout "
              + DurationParser.format(policy.start())
              + ").";
      s.setMessage(message);
      s.setConditions(
          Conditions.set(
              s.getConditions(),
              ConditionTypes.QUEUED,
              false,
              Reasons.ADMITTED,
              message,
              generation,
              now));
      events.add(RunEvent.normal(Reasons.ADMITTED, message));
    }

    private boolean keyed() {
      return run.getSpec() != null && run.getSpec().getConcurrency() != null;
    }

    private String key() {
      return run.getSpec().getConcurrency().getKey();
    }

    private String annotation(String name) {
      var annotations = run.getMetadata().getAnnotations();
      return annotations == null ? null : annotations.get(name);
    }

    private void suspend(Instant timeoutAt) {
      if (s.getPhase() == Phase.Suspended) {
        return;
      }
      s.setSuspendedAt(Times.format(now));
      s.setPhase(Phase.Suspended);
      s.setReason(Reasons.SUSPENDED);
      String message =
          "Suspended: attempt, start, heartbeat and progress timers are paused; the run deadline "
              + Times.format(timeoutAt)
              + " still applies. Set spec.suspend=false to resume.";
      s.setMessage(message);
      events.add(RunEvent.normal(Reasons.SUSPENDED, message));
    }

    /** Timers were paused: shift every attempt-level instant by the time spent suspended. */
    private void resume() {
      Instant suspendedAt = Optional.ofNullable(Times.parse(s.getSuspendedAt())).orElse(now);
      Duration paused = Duration.between(suspendedAt, now);
      s.setAttemptTimeoutAt(shift(s.getAttemptTimeoutAt(), paused));
      s.setNextRetryAt(shift(s.getNextRetryAt(), paused));
      s.setLivenessSince(Times.format(now));
      if (s.getProgress() != null) {
        s.getProgress().setLastProgressAt(Times.format(now));
      }
      s.setSuspendedAt(null);
      if (s.getNextRetryAt() != null) {
        s.setPhase(Phase.Retrying);
      } else if (currentReport() != null) {
        s.setPhase(Phase.Running);
      } else {
        s.setPhase(Phase.Pending);
      }
      s.setReason(Reasons.RESUMED);
      String message =
          "Resumed after "
              + DurationParser.format(paused)
              + "; attempt "
              + s.getAttempt()
              + " is "
              + s.getPhase()
              + ".";
      s.setMessage(message);
      events.add(RunEvent.normal(Reasons.RESUMED, message));
    }

    private void retrying() {
      WorkerReport r = currentReport();
      if (r != null && r.getOutcome() == Outcome.Succeeded) {
        // The attempt we gave up on finished after all: take it rather than redo the work.
        observeProgress(r);
        succeed(r, "Attempt " + s.getAttempt() + " reported success after it was judged failed.");
        return;
      }
      if (jobIs(AttemptObservation.State.Succeeded)) {
        succeed(r, "Attempt " + s.getAttempt() + "'s Job completed after it was judged failed.");
        return;
      }
      Instant next = Times.parse(s.getNextRetryAt());
      if (next != null && now.isBefore(next)) {
        wake(next);
        return;
      }
      if (policy.external() != null && s.getServiceJobId() != null && !externalSaysRetry(r)) {
        return;
      }
      s.setAttempt(s.getAttempt() + 1);
      s.setNextRetryAt(null);
      beginAttempt();
      boolean resumes =
          policy.resume() == ResumePolicy.FromCheckpoint
              && (s.getCheckpoint() != null || completed() > 0);
      if (!resumes) {
        s.setCheckpoint(null);
        // Reset to zero rather than removed: it says what is true (nothing done yet), and the
        // 1.20.2 test API server stores a dropped object field as null, which the schema refuses.
        Progress fresh = new Progress();
        fresh.setTotal(s.getProgress() == null ? null : s.getProgress().getTotal());
        fresh.setCompleted(0L);
        fresh.setSummary(fresh.getTotal() == null ? "0" : "0/" + fresh.getTotal());
        s.setProgress(fresh);
      }
      s.setPhase(Phase.Pending);
      s.setReason(Reasons.RETRY_STARTED);
      String message =
          "Attempt "
              + s.getAttempt()
              + " (retry "
              + s.getRetryCount()
              + "/"
              + policy.maxRetries()
              + ") waits for a worker; it "
              + (resumes
                  ? "resumes from the last checkpoint (" + completed() + " items done)."
                  : "starts from scratch.");
      s.setMessage(message);
      events.add(RunEvent.normal(Reasons.RETRY_STARTED, message));
    }

    /**
     * Before a retry, ask the service whether the work of the attempt finished after all. True when
     * the retry should go ahead; otherwise the run succeeded, failed, or waits.
     */
    private boolean externalSaysRetry(WorkerReport r) {
      if (external == null) {
        externalRequest = new ExternalCheckRequest(s.getAttempt(), s.getServiceJobId());
        return false;
      }
      var check = new io.runwarden.api.v1alpha1.ExternalCheck();
      check.setCheckedAt(Times.format(now));
      check.setAttempt(s.getAttempt());
      check.setServiceJobId(s.getServiceJobId());
      check.setResult(external.result().name());
      check.setMessage(external.message());
      s.setExternalCheck(check);
      var onUnreachable =
          policy.external().getOnUnreachable() == null
              ? io.runwarden.api.v1alpha1.ExternalServiceSpec.OnUnreachable.Retry
              : policy.external().getOnUnreachable();
      String asked =
          "The service says job "
              + s.getServiceJobId()
              + " of attempt "
              + s.getAttempt()
              + " is "
              + external.result()
              + (external.message() == null ? "" : " (" + external.message() + ")");
      switch (external.result()) {
        case Completed -> {
          externalRunning(false, asked);
          succeed(r, Reasons.COMPLETED_EXTERNALLY, asked + ": no new attempt needed.");
          return false;
        }
        case Running -> {
          waitForService(asked + ": no new attempt while it runs; asking again");
          return false;
        }
        case Unreachable -> {
          if (onUnreachable == io.runwarden.api.v1alpha1.ExternalServiceSpec.OnUnreachable.Wait) {
            waitForService(asked + " (onUnreachable=Wait): asking again");
            return false;
          }
          if (onUnreachable == io.runwarden.api.v1alpha1.ExternalServiceSpec.OnUnreachable.Fail) {
            externalRunning(false, asked);
            fail(Reasons.EXTERNAL_UNREACHABLE, asked + " (onUnreachable=Fail).");
            return false;
          }
        }
        default -> {}
      }
      externalRunning(false, asked);
      events.add(RunEvent.normal(Reasons.EXTERNAL_CHECKED, asked + ": retrying as usual."));
      return true;
    }

    private void waitForService(String what) {
      Instant timeoutAt = Times.parse(s.getTimeoutAt());
      Duration every = policy.heartbeat().orElse(EXTERNAL_RECHECK);
      if (every.compareTo(MIN_EXTERNAL_RECHECK) < 0) {
        every = MIN_EXTERNAL_RECHECK; // a short heartbeat limit must not make a probe a second
      }
      Instant again = now.plus(every).isAfter(timeoutAt) ? timeoutAt : now.plus(every);
      s.setNextRetryAt(Times.format(again));
      String message = what + " at " + Times.format(again) + ".";
      s.setMessage(message);
      if (!Conditions.isTrue(s.getConditions(), ConditionTypes.EXTERNAL_RUNNING)) {
        s.setReason(Reasons.EXTERNAL_RUNNING);
        events.add(RunEvent.normal(Reasons.EXTERNAL_RUNNING, message));
      }
      externalRunning(true, message);
      wake(again);
    }

    private void externalRunning(boolean running, String message) {
      s.setConditions(
          Conditions.set(
              s.getConditions(),
              ConditionTypes.EXTERNAL_RUNNING,
              running,
              running ? Reasons.EXTERNAL_RUNNING : Reasons.EXTERNAL_CHECKED,
              message,
              generation,
              now));
    }

    private void pending() {
      if (Conditions.isTrue(s.getConditions(), ConditionTypes.QUEUED)) {
        if (!admission.admitted()) {
          return; // no timer runs while queued; the holder's end wakes this run
        }
        admit();
      }
      WorkerReport r = currentReport();
      if (jobEnded(r)) {
        return;
      }
      if (r != null) {
        claim(r.getWorker());
        return;
      }
      if (jobIs(AttemptObservation.State.Started)) {
        claim(job.worker());
        return;
      }
      Instant startBy = livenessSince().plus(policy.start()).plus(livenessGrace);
      if (!now.isBefore(startBy)) {
        enforced.add(new Enforcement(Reasons.START_TIMEOUT, startBy));
        attemptEnded(
            Reasons.START_TIMEOUT,
            RetryReason.StartTimeout,
            "No worker claimed attempt "
                + s.getAttempt()
                + " within "
                + DurationParser.format(policy.start())
                + " (timeouts.start)"
                + graceNote()
                + "."
                + (jobIs(AttemptObservation.State.Waiting)
                    ? " Last seen: " + job.detail() + "."
                    : ""),
            true,
            null);
        return;
      }
      wake(startBy);
    }

    private void claim(String worker) {
      s.setPhase(Phase.Running);
      s.setLivenessSince(Times.format(now));
      policy.attempt().ifPresent(a -> s.setAttemptTimeoutAt(Times.format(now.plus(a))));
      progress().setLastProgressAt(Times.format(now));
      s.setReason(Reasons.CLAIMED);
      String message =
          "Worker "
              + Optional.ofNullable(worker).orElse("(unnamed)")
              + " claimed attempt "
              + s.getAttempt()
              + "."
              + policy
                  .heartbeat()
                  .map(h -> " It must heartbeat at least every " + DurationParser.format(h) + ".")
                  .orElse("");
      s.setMessage(message);
      events.add(RunEvent.normal(Reasons.CLAIMED, message));
    }

    private void running() {
      WorkerReport r = currentReport();
      if (r != null) {
        observeProgress(r);
        if (r.getOutcome() == Outcome.Succeeded) {
          succeed(r, "Attempt " + s.getAttempt() + " succeeded.");
          return;
        }
        if (r.getOutcome() == Outcome.Failed) {
          boolean retryable = !Boolean.FALSE.equals(r.getRetryable());
          attemptEnded(
              Reasons.WORKER_FAILED,
              RetryReason.WorkerFailed,
              "Worker reported failure of attempt "
                  + s.getAttempt()
                  + ": "
                  + Optional.ofNullable(r.getError()).orElse("(no error given)"),
              retryable,
              r);
          return;
        }
      }
      if (jobEnded(r)) {
        return;
      }
      Instant attemptBy = Times.parse(s.getAttemptTimeoutAt());
      if (attemptBy != null) {
        if (!now.isBefore(attemptBy)) {
          enforced.add(new Enforcement(Reasons.ATTEMPT_TIMED_OUT, attemptBy));
          attemptEnded(
              Reasons.ATTEMPT_TIMED_OUT,
              RetryReason.AttemptTimedOut,
              "Attempt "
                  + s.getAttempt()
                  + " ran past its limit "
                  + s.getAttemptTimeoutAt()
                  + " (timeouts.attempt).",
              true,
              r);
          return;
        }
        wake(attemptBy);
      }
      // In managed mode the pod is the liveness signal; the worker opts into the heartbeat and
      // progress rules by heartbeating.
      boolean heartbeatRules = !managed || heartbeatAt(r) != null;
      if (heartbeatRules && policy.heartbeat().isPresent()) {
        Duration limit = policy.heartbeat().get();
        Instant last = latest(livenessSince(), heartbeatAt(r));
        Instant by = last.plus(limit).plus(livenessGrace);
        if (!now.isBefore(by)) {
          enforced.add(new Enforcement(Reasons.HEARTBEAT_LOST, by));
          attemptEnded(
              Reasons.HEARTBEAT_LOST,
              RetryReason.HeartbeatLost,
              "No heartbeat for attempt "
                  + s.getAttempt()
                  + " since "
                  + Times.format(last)
                  + " (timeouts.heartbeat="
                  + DurationParser.format(limit)
                  + graceNote()
                  + ").",
              true,
              r);
          return;
        }
        wake(by);
      }
      if (heartbeatRules && policy.progress().isPresent()) {
        Duration limit = policy.progress().get();
        Instant last = latest(livenessSince(), Times.parse(progress().getLastProgressAt()));
        Instant by = last.plus(limit).plus(livenessGrace);
        if (!now.isBefore(by)) {
          enforced.add(new Enforcement(Reasons.NO_PROGRESS, by));
          attemptEnded(
              Reasons.NO_PROGRESS,
              RetryReason.NoProgress,
              "Attempt "
                  + s.getAttempt()
                  + " heartbeats but has completed nothing since "
                  + Times.format(last)
                  + " (timeouts.progress="
                  + DurationParser.format(limit)
                  + graceNote()
                  + "); stuck at "
                  + completed()
                  + " items.",
              true,
              r);
          return;
        }
        wake(by);
      }
      estimateCompletion();
    }

    // --- transitions --------------------------------------------------------------------------

    /**
     * The current attempt ended without success. Retry it (after backoff, never past the run
     * deadline) when the reason is retryable and budget is left; otherwise fail the run.
     */
    private void attemptEnded(
        String reason, RetryReason kind, String cause, boolean workerRetryable, WorkerReport r) {
      closeAttempt(Outcome.Failed, reason, r);
      s.setLastErrorMessage(cause);
      if (r != null && r.getCheckpoint() != null) {
        s.setCheckpoint(r.getCheckpoint());
      }
      boolean stuck = kind == RetryReason.HeartbeatLost || kind == RetryReason.NoProgress;
      if (stuck) {
        s.setConditions(
            Conditions.set(
                s.getConditions(), ConditionTypes.STUCK, true, reason, cause, generation, now));
      }
      if (!policy.retryOn().contains(kind) || !workerRetryable) {
        String why =
            workerRetryable
                ? reason + " is not in spec.retry.reasons"
                : "the worker marked the failure retryable=false";
        fail(Reasons.NON_RETRYABLE, cause + " Not retried: " + why + ".");
        return;
      }
      int used = s.getRetryCount();
      if (used >= policy.maxRetries()) {
        String budget =
            policy.maxRetries() == 0
                ? " No retries are allowed (spec.retry.maxRetries=0; last cause: "
                : " All " + policy.maxRetries() + " retries are used (last cause: ";
        fail(Reasons.RETRIES_EXHAUSTED, cause + budget + reason + ").");
        return;
      }
      Instant timeoutAt = Times.parse(s.getTimeoutAt());
      Instant next = now.plus(policy.backoff(used));
      if (next.isAfter(timeoutAt)) {
        next = timeoutAt; // the deadline fires first: "deadline beats pending retries"
      }
      s.setRetryCount(used + 1);
      s.setNextRetryAt(Times.format(next));
      s.setPhase(Phase.Retrying);
      s.setReason(reason);
      String message =
          cause
              + " Retry "
              + (used + 1)
              + "/"
              + policy.maxRetries()
              + " starts at "
              + Times.format(next)
              + ".";
      s.setMessage(message);
      events.add(RunEvent.warning(reason, message));
      wake(next);
    }

    private void succeed(WorkerReport r, String message) {
      succeed(r, Reasons.SUCCEEDED, message);
    }

    /** From Retrying the attempt is already closed (as failed): its record is corrected. */
    private void succeed(WorkerReport r, String reason, String message) {
      if (s.getPhase() != Phase.Retrying) {
        closeAttempt(Outcome.Succeeded, reason, r);
      } else {
        markLastAttemptSucceeded(reason);
      }
      s.setPhase(Phase.Succeeded);
      s.setReason(reason);
      s.setCompletedAt(Times.format(now));
      s.setNextRetryAt(null);
      s.setMessage(message);
      s.setEstimatedCompletionAt(null);
      events.add(RunEvent.normal(reason, message));
    }

    private void fail(String reason, String message) {
      if (s.getPhase() == Phase.Pending || s.getPhase() == Phase.Running) {
        closeAttempt(Outcome.Failed, reason, currentReport());
      }
      s.setPhase(Phase.Failed);
      s.setReason(reason);
      s.setMessage(message);
      if (s.getLastErrorMessage() == null || Reasons.INVALID_SPEC.equals(reason)) {
        s.setLastErrorMessage(message);
      }
      s.setCompletedAt(Times.format(now));
      s.setNextRetryAt(null);
      s.setEstimatedCompletionAt(null);
      events.add(RunEvent.warning(reason, message));
    }

    private void beginAttempt() {
      if (managed) {
        // What was observed belongs to the previous attempt; the new one has no Job yet.
        job = AttemptObservation.of(AttemptObservation.State.NotCreated, null, null);
      }
      s.setAttemptStartedAt(Times.format(now));
      s.setLivenessSince(Times.format(now));
      s.setAttemptTimeoutAt(null);
    }

    private void closeAttempt(Outcome outcome, String reason, WorkerReport r) {
      if (attemptClosed) {
        return; // ended and then failed the run in the same evaluation: one record
      }
      attemptClosed = true;
      AttemptRecord rec = new AttemptRecord();
      rec.setAttempt(s.getAttempt());
      rec.setWorker(r == null ? null : r.getWorker());
      rec.setStartedAt(s.getAttemptStartedAt());
      rec.setFinishedAt(Times.format(now));
      rec.setOutcome(outcome);
      rec.setReason(reason);
      rec.setCompleted(s.getProgress() == null ? null : s.getProgress().getCompleted());
      List<AttemptRecord> history =
          s.getAttempts() == null ? new ArrayList<>() : new ArrayList<>(s.getAttempts());
      history.add(rec);
      while (history.size() > defaults.historyLimit()) {
        history.remove(0);
      }
      s.setAttempts(history);
      s.setAttemptTimeoutAt(null);
    }

    private void markLastAttemptSucceeded(String reason) {
      List<AttemptRecord> history = s.getAttempts();
      if (history != null && !history.isEmpty()) {
        AttemptRecord last = history.get(history.size() - 1);
        if (s.getAttempt().equals(last.getAttempt())) {
          last.setOutcome(Outcome.Succeeded);
          last.setReason(reason);
        }
      }
    }

    /** Managed mode: the attempt's Job has an outcome (or vanished). True when it ended it. */
    private boolean jobEnded(WorkerReport r) {
      if (jobIs(AttemptObservation.State.Rejected)) {
        // The detail names the field: the template the API server refused, or workerAccess.
        fail(Reasons.INVALID_SPEC, job.detail() + ". Fix the spec and create the run again.");
        return true;
      }
      if (jobIs(AttemptObservation.State.Succeeded)) {
        succeed(r, "Attempt " + s.getAttempt() + " succeeded: " + job.detail() + ".");
        return true;
      }
      if (jobIs(AttemptObservation.State.Failed) || jobIs(AttemptObservation.State.Gone)) {
        String cause =
            jobIs(AttemptObservation.State.Gone)
                ? "The Job of attempt " + s.getAttempt() + " was deleted while it ran."
                : "Attempt " + s.getAttempt() + " failed: " + job.detail() + ".";
        boolean retryable = r == null || !Boolean.FALSE.equals(r.getRetryable());
        attemptEnded(Reasons.WORKER_FAILED, RetryReason.WorkerFailed, cause, retryable, r);
        return true;
      }
      return false;
    }

    private boolean jobIs(AttemptObservation.State state) {
      return job != null && job.state() == state;
    }

    // --- observation --------------------------------------------------------------------------

    /** The worker report, only if it belongs to the current attempt (the fencing token). */
    private WorkerReport currentReport() {
      if (report == null || report.getAttempt() == null || s.getAttempt() == null) {
        return null;
      }
      return report.getAttempt().equals(s.getAttempt()) ? report : null;
    }

    /** Accept reported progress: clamped to [0, total], never decreasing. */
    private void observeProgress(WorkerReport r) {
      Progress p = progress();
      Long total = knownTotal(r);
      long reported = Math.max(0, Optional.ofNullable(r.getCompleted()).orElse(0L));
      if (total != null) {
        reported = Math.min(reported, total);
      }
      if (reported > completed()) {
        p.setCompleted(reported);
        p.setLastProgressAt(Times.format(now));
      }
      p.setTotal(total);
      long done = completed();
      p.setCompleted(done);
      p.setPercent(total == null || total == 0 ? null : (int) (done * 100 / total));
      p.setSummary(total == null ? Long.toString(done) : done + "/" + total);
      if (r.getServiceJobId() != null) {
        s.setServiceJobId(r.getServiceJobId());
      }
      if (r.getCheckpoint() != null) {
        // Keep the newest checkpoint where the next attempt will find it, also from the report
        // that ends the attempt: with progress mirrored lazily, that report's write may be the
        // first to carry a checkpoint reported seconds earlier.
        s.setCheckpoint(r.getCheckpoint());
      }
    }

    private Long knownTotal(WorkerReport r) {
      Long spec = policy.total();
      Long worker = r == null ? null : r.getTotal();
      if (spec == null) return worker;
      if (worker == null) return spec;
      return Math.max(spec, worker);
    }

    /**
     * ETA from the rate since the attempt's liveness clock started. AtRisk when it lands after the
     * run deadline: a warning while there is still time to act.
     */
    private void estimateCompletion() {
      Progress p = s.getProgress();
      if (p == null || p.getTotal() == null || p.getCompleted() == null) {
        return;
      }
      Instant since = livenessSince();
      Instant lastProgress = Times.parse(p.getLastProgressAt());
      long done = p.getCompleted();
      AttemptRecord prev =
          s.getAttempts() == null || s.getAttempts().isEmpty()
              ? null
              : s.getAttempts().get(s.getAttempts().size() - 1);
      long base =
          prev != null && prev.getCompleted() != null && s.getCheckpoint() != null
              ? prev.getCompleted()
              : 0;
      long gained = done - base;
      if (gained <= 0 || lastProgress == null || !lastProgress.isAfter(since)) {
        return;
      }
      double perMilli = gained / (double) Duration.between(since, lastProgress).toMillis();
      long remaining = p.getTotal() - done;
      Instant eta = lastProgress.plusMillis((long) Math.ceil(remaining / perMilli));
      s.setEstimatedCompletionAt(Times.format(eta));
      Instant timeoutAt = Times.parse(s.getTimeoutAt());
      boolean atRisk = eta.isAfter(timeoutAt);
      s.setConditions(
          Conditions.set(
              s.getConditions(),
              ConditionTypes.AT_RISK,
              atRisk,
              atRisk ? Reasons.PROJECTED_PAST_DEADLINE : Reasons.ON_TRACK,
              atRisk
                  ? "At the observed rate the run ends about "
                      + Times.format(eta)
                      + ", after its deadline "
                      + s.getTimeoutAt()
                      + ". Speed it up or extend spec.timeouts.run."
                  : "At the observed rate the run ends about " + Times.format(eta) + ".",
              generation,
              now));
    }

    /** Derived conditions, refreshed after every decision. */
    private void refreshConditions() {
      Phase phase = s.getPhase();
      String reason = s.getReason() == null ? "Unknown" : s.getReason();
      String message =
          s.getMessage() == null || s.getMessage().isBlank()
              ? "Attempt " + s.getAttempt() + " is " + phase + "."
              : s.getMessage();
      var c = s.getConditions();
      c =
          Conditions.set(
              c, ConditionTypes.RUNNING, phase == Phase.Running, reason, message, generation, now);
      if (!Conditions.isTrue(c, ConditionTypes.STUCK)
          || phase == Phase.Pending
          || phase == Phase.Running
          || phase == Phase.Succeeded) {
        c =
            Conditions.set(
                c,
                ConditionTypes.STUCK,
                false,
                reason,
                "Attempt " + s.getAttempt() + " is not stuck.",
                generation,
                now);
      }
      if (Conditions.find(c, ConditionTypes.AT_RISK) == null || phase.isTerminal()) {
        c =
            Conditions.set(
                c,
                ConditionTypes.AT_RISK,
                false,
                phase.isTerminal() ? reason : Reasons.ON_TRACK,
                phase.isTerminal() ? "The run has finished." : "No projection past the deadline.",
                generation,
                now);
      }
      c =
          Conditions.set(
              c,
              ConditionTypes.SUCCEEDED,
              phase == Phase.Succeeded,
              reason,
              message,
              generation,
              now);
      c =
          Conditions.set(
              c, ConditionTypes.FAILED, phase == Phase.Failed, reason, message, generation, now);
      s.setConditions(c);
    }

    // --- small helpers ------------------------------------------------------------------------

    private Instant created() {
      Instant created = Times.parse(run.getMetadata().getCreationTimestamp());
      return created != null ? created : Times.parse(s.getStartedAt());
    }

    private Instant livenessSince() {
      Instant since = Times.parse(s.getLivenessSince());
      return since != null ? since : Times.parse(s.getAttemptStartedAt());
    }

    /**
     * Reported heartbeat. A little in the future (worker clock skew) counts as now; further ahead
     * it is ignored, or one bogus timestamp would keep a dead worker "alive" forever.
     */
    private Instant heartbeatAt(WorkerReport r) {
      Instant at = r == null ? null : Times.parse(r.getHeartbeatAt());
      if (at == null || !at.isAfter(now)) {
        return at;
      }
      return at.isAfter(now.plus(MAX_CLOCK_SKEW)) ? null : now;
    }

    private Progress progress() {
      if (s.getProgress() == null) {
        s.setProgress(new Progress());
      }
      return s.getProgress();
    }

    private long completed() {
      Progress p = s.getProgress();
      return p == null || p.getCompleted() == null ? 0 : p.getCompleted();
    }

    /** What a liveness limit's message says about the slow-API-server grace, if any applies. */
    private String graceNote() {
      return livenessGrace.isZero()
          ? ""
          : ", plus "
              + DurationParser.format(livenessGrace)
              + " while the API server is slow to accept writes";
    }

    private void wake(Instant at) {
      if (at != null && (wakeAt == null || at.isBefore(wakeAt))) {
        wakeAt = at;
      }
    }

    private static Instant latest(Instant a, Instant b) {
      if (a == null) return b;
      if (b == null) return a;
      return a.isAfter(b) ? a : b;
    }

    private static String shift(String time, Duration by) {
      Instant at = Times.parse(time);
      return at == null ? null : Times.format(at.plus(by));
    }
  }
}
