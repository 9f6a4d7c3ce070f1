package io.runwarden.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.informer.RunCache;
import io.runwarden.lifecycle.Decision;
import io.runwarden.lifecycle.Enforcement;
import io.runwarden.lifecycle.ExternalResult;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.lifecycle.RunEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * Prometheus metrics of the lifecycle (served at /q/metrics). Reconcile durations come from the
 * Operator SDK's own Micrometer metrics.
 */
@ApplicationScoped
public class RunMetrics {

  private final MeterRegistry registry;
  private final DistributionSummary lateness;
  private final RunCache runs;

  public RunMetrics(MeterRegistry registry, RunCache runs) {
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

  public void externalCheck(ExternalResult result) {
    registry
        .counter("runwarden_external_checks_total", "result", result.result().name())
        .increment();
  }
}
