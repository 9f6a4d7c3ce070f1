package io.runwarden.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.informer.RunCache;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.Decision;
import io.runwarden.lifecycle.Enforcement;
import io.runwarden.lifecycle.ExternalResult;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.lifecycle.RunEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of the lifecycle (served at /q/metrics). Reconcile durations come from the
 * Operator SDK's own Micrometer metrics.
 */
@ApplicationScoped
public class RunMetrics {

  private final MeterRegistry registry;
  private final DistributionSummary lateness;
  private final RunCache runs;

  /** The failures an alert watches per namespace: their series exist (at 0) before the first. */
  static final List<String> WATCHED_FAILURES =
      List.of(Reasons.RETRIES_EXHAUSTED, Reasons.DEADLINE_EXCEEDED);

  private final Set<String> namespacesSeen = ConcurrentHashMap.newKeySet();

  public RunMetrics(MeterRegistry registry, RunCache runs, Leadership leadership) {
    this.registry = registry;
    this.runs = runs;
    this.lateness =
        DistributionSummary.builder("runwarden_enforcement_lateness_seconds")
            .description(
                "Seconds between a deadline (run, start, heartbeat, progress, attempt) and the"
                    + " status write that enforced it")
            .baseUnit("seconds")
            .publishPercentileHistogram()
            .serviceLevelObjectives(0.1, 0.25, 0.5, 1, 2, 5, 10)
            .register(registry);
    for (Phase phase : Phase.values()) {
      Gauge.builder("runwarden_runs", () -> count(phase))
          .description("Runs in the operator's cache, by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
    Gauge.builder("runwarden_runs_at_risk", this::atRisk)
        .description("Non-terminal runs whose projected end lands past their deadline (AtRisk)")
        .register(registry);
    Gauge.builder("runwarden_leader", () -> leadership.leads() ? 1 : 0)
        .description("1 while this instance reconciles (holds the lease, or election is off)")
        .register(registry);
    // Counters appear at 0 before their first increment: rate() and increase() need a first
    // sample, and the dashboard's panels show 0 rather than "no data".
    for (ExternalResult.Result r : ExternalResult.Result.values()) {
      registry.counter("runwarden_external_checks_total", "result", r.name());
    }
    for (String stuck : List.of(Reasons.HEARTBEAT_LOST, Reasons.NO_PROGRESS)) {
      registry.counter("runwarden_stuck_detections_total", "reason", stuck);
    }
  }

  private double atRisk() {
    return runs.runs()
        .filter(r -> r.getStatus() != null && r.getStatus().getPhase() != null)
        .filter(r -> !r.getStatus().getPhase().isTerminal())
        .filter(r -> Conditions.isTrue(r.getStatus().getConditions(), ConditionTypes.AT_RISK))
        .count();
  }

  /** Runs by phase are read from the informer cache at scrape time: nothing to keep in sync. */
  private double count(Phase phase) {
    return runs.runs()
        .filter(r -> r.getStatus() != null && r.getStatus().getPhase() == phase)
        .count();
  }

  /** After the decision's status was written. */
  public void decided(QualificationRun before, Decision decision, Instant written) {
    for (RunEvent e : decision.events()) {
      registry
          .counter("runwarden_transitions_total", "reason", e.reason(), "type", e.type().name())
          .increment();
      if (Reasons.HEARTBEAT_LOST.equals(e.reason()) || Reasons.NO_PROGRESS.equals(e.reason())) {
        registry.counter("runwarden_stuck_detections_total", "reason", e.reason()).increment();
      }
    }
    Phase was = before.getStatus() == null ? null : before.getStatus().getPhase();
    String namespace = before.getMetadata().getNamespace();
    if (namespacesSeen.add(namespace)) {
      WATCHED_FAILURES.forEach(reason -> failures(namespace, reason));
    }
    if (decision.status().getPhase() == Phase.Failed && was != Phase.Failed) {
      failures(namespace, String.valueOf(decision.status().getReason())).increment();
    }
    if (decision.status().getPhase() == Phase.Retrying && was != Phase.Retrying) {
      registry
          .counter(
              "runwarden_retries_total", "reason", String.valueOf(decision.status().getReason()))
          .increment();
    }
    for (Enforcement e : decision.enforced()) {
      lateness.record(Math.max(0, Duration.between(e.due(), written).toNanos() / 1e9));
    }
  }

  /**
   * Runs that failed, by namespace and reason: what on-call is paged for. Namespaces are the
   * cluster's (bounded by it), reasons the operator's own.
   */
  private Counter failures(String namespace, String reason) {
    return Counter.builder("runwarden_run_failures_total")
        .description("Runs that ended Failed, by namespace and reason")
        .tag("namespace", namespace)
        .tag("reason", reason)
        .register(registry);
  }

  public void externalCheck(ExternalResult result) {
    registry
        .counter("runwarden_external_checks_total", "result", result.result().name())
        .increment();
  }
}
