package io.runwarden.lifecycle;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.Progress;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.WorkerReport;
import io.runwarden.text.UserText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One evaluation's shared context: what was observed (read-only), the working copy of the status,
 * and what the rules have decided so far (events, enforcements, the wake-up, a question for the
 * external service). It holds no decisions of its own: the rules live in their classes, and the
 * verbs that record a transition in {@link Transitions}.
 */
final class Evaluation {

  static final ObjectMapper COPIER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** How far ahead of the operator's clock a worker's heartbeat may be and still count. */
  static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(30);

  // --- what was observed ----------------------------------------------------------------------

  final QualificationRun run;
  final LifecycleDefaults defaults;
  final boolean managed;
  final Instant now;
  final Long generation;
  final WorkerReport report;
  final Admission admission;
  final ExternalResult external;

  /** Extra time on the start, heartbeat and progress limits (Inputs#livenessGrace). */
  final Duration livenessGrace;

  final String livenessGraceWhy;

  /** The resolved spec; set once it has been validated. */
  RunPolicy policy;

  // --- what is being decided ------------------------------------------------------------------

  /** The working copy of the status. */
  final QualificationRunStatus s;

  /** Observation of the current attempt's Job; reset when a new attempt begins. */
  AttemptObservation job;

  /** True once this evaluation has written the current attempt's history record. */
  boolean attemptClosed;

  ExternalCheckRequest externalRequest;
  private final List<RunEvent> events = new ArrayList<>();
  private final List<Enforcement> enforced = new ArrayList<>();
  private Instant wakeAt;

  Evaluation(QualificationRun run, Inputs inputs, Instant now, LifecycleDefaults defaults) {
    this.run = run;
    this.defaults = defaults;
    this.managed = run.getSpec() != null && run.getSpec().getJob() != null;
    this.job = managed ? inputs.job() : null;
    this.admission = inputs.admission() == null ? Admission.ADMITTED : inputs.admission();
    this.external = inputs.external();
    this.now = now;
    this.generation = run.getMetadata().getGeneration();
    this.report = inputs.report();
    this.livenessGrace = inputs.livenessGrace() == null ? Duration.ZERO : inputs.livenessGrace();
    this.livenessGraceWhy =
        inputs.livenessGraceWhy() == null ? Inputs.SLOW_API_SERVER : inputs.livenessGraceWhy();
    QualificationRunStatus observed = run.getStatus();
    this.s =
        observed == null
            ? new QualificationRunStatus()
            : COPIER.convertValue(observed, QualificationRunStatus.class);
  }

  // --- outputs --------------------------------------------------------------------------------

  void normal(String reason, String message) {
    events.add(RunEvent.normal(reason, message));
  }

  void warning(String reason, String message) {
    events.add(RunEvent.warning(reason, message));
  }

  boolean eventsEmitted() {
    return !events.isEmpty();
  }

  /** A time-based rule fired for a limit that was due at {@code due}: its lateness is measured. */
  void enforced(String rule, Instant due) {
    enforced.add(new Enforcement(rule, due));
  }

  /** Decide again no later than {@code at}; the earliest such time wins. */
  void wake(Instant at) {
    if (at != null && (wakeAt == null || at.isBefore(wakeAt))) {
      wakeAt = at;
    }
  }

  /** Sets one of the run's conditions, observed at this generation and now. */
  void condition(String type, boolean on, String reason, String message) {
    s.setConditions(Conditions.set(s.getConditions(), type, on, reason, message, generation, now));
  }

  /** The decision made: the working status, or the stored one unchanged while a question waits. */
  Decision decision() {
    if (externalRequest != null) {
      // Nothing decided yet: the shell asks the service and decides again with the answer.
      return new Decision(
          run.getStatus(), List.of(), Optional.empty(), Optional.of(externalRequest), List.of());
    }
    guardOutputs();
    return new Decision(
        s,
        events.stream().map(Evaluation::controlFree).toList(),
        terminal() ? Optional.empty() : Optional.ofNullable(wakeAt),
        Optional.empty(),
        List.copyOf(enforced));
  }

  /**
   * The last line of defence for tenant and worker text: each rule escapes what it quotes where it
   * builds a message, and here every message leaving the core (status, conditions, the service's
   * answer, events) loses any control character still in it, so a rule added later that forgets
   * cannot forge a log line or break {@code kubectl describe}'s table. Escaped text passes
   * unchanged, so nothing is escaped twice.
   */
  private void guardOutputs() {
    s.setMessage(UserText.controlFree(s.getMessage()));
    if (s.getExternalCheck() != null) {
      s.getExternalCheck().setMessage(UserText.controlFree(s.getExternalCheck().getMessage()));
    }
    if (s.getConditions() != null) {
      s.getConditions().forEach(c -> c.setMessage(UserText.controlFree(c.getMessage())));
    }
  }

  private static RunEvent controlFree(RunEvent event) {
    String message = UserText.controlFree(event.message());
    return message == event.message() ? event : new RunEvent(event.type(), event.reason(), message);
  }

  // --- reading the run ------------------------------------------------------------------------

  Phase phase() {
    return s.getPhase();
  }

  boolean terminal() {
    return s.getPhase() != null && s.getPhase().isTerminal();
  }

  Integer attempt() {
    return s.getAttempt();
  }

  Instant created() {
    Instant created = Times.parse(run.getMetadata().getCreationTimestamp());
    return created != null ? created : Times.parse(s.getStartedAt());
  }

  Instant timeoutAt() {
    return Times.parse(s.getTimeoutAt());
  }

  Instant livenessSince() {
    Instant since = Times.parse(s.getLivenessSince());
    return since != null ? since : Times.parse(s.getAttemptStartedAt());
  }

  String annotation(String name) {
    var annotations = run.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(name);
  }

  boolean keyed() {
    return run.getSpec() != null && run.getSpec().getConcurrency() != null;
  }

  /** The run's concurrency key as messages show it: free text of up to 253 characters, escaped. */
  String key() {
    return UserText.escape(run.getSpec().getConcurrency().getKey());
  }

  /** The worker report, only if it belongs to the current attempt (the fencing token). */
  WorkerReport currentReport() {
    if (report == null || report.getAttempt() == null || s.getAttempt() == null) {
      return null;
    }
    return report.getAttempt().equals(s.getAttempt()) ? report : null;
  }

  /**
   * Reported heartbeat. A little in the future (worker clock skew) counts as now; further ahead it
   * is ignored, or one bogus timestamp would keep a dead worker "alive" forever.
   */
  Instant heartbeatAt(WorkerReport r) {
    Instant at = r == null ? null : Times.parse(r.getHeartbeatAt());
    if (at == null || !at.isAfter(now)) {
      return at;
    }
    return at.isAfter(now.plus(MAX_CLOCK_SKEW)) ? null : now;
  }

  boolean jobIs(AttemptObservation.State state) {
    return job != null && job.state() == state;
  }

  Progress progress() {
    if (s.getProgress() == null) {
      s.setProgress(new Progress());
    }
    return s.getProgress();
  }

  long completed() {
    Progress p = s.getProgress();
    return p == null || p.getCompleted() == null ? 0 : p.getCompleted();
  }

  /** What a liveness limit's message says about the slow-API-server grace, if any applies. */
  String graceNote() {
    return livenessGrace.isZero()
        ? ""
        : ", plus " + DurationParser.format(livenessGrace) + " " + livenessGraceWhy;
  }

  static Instant latest(Instant a, Instant b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.isAfter(b) ? a : b;
  }
}
