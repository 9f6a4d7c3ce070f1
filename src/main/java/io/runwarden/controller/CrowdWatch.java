package io.runwarden.controller;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.informer.RunCache;
import io.runwarden.lifecycle.CrowdSilence;
import io.runwarden.lifecycle.DurationParser;
import io.runwarden.lifecycle.Times;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Feeds {@link CrowdSilence} from the informers' caches, one crowd per namespace: every running run
 * with a claimed attempt and no outcome reported yet, its worker's last heartbeat (from its report)
 * and its heartbeat limit (the report's own copy). One look at the caches serves every decision for
 * {@link #EVERY}: at 10,000 runs a look is 10,000 map reads, and a decision a second late about a
 * crowd costs nothing a heartbeat limit would notice. Reads no API server. Thread-safe.
 */
@ApplicationScoped
public class CrowdWatch {

  static final Duration EVERY = Duration.ofSeconds(2);

  private final RunCache runs;
  private final Clock clock;
  private final Map<String, Duration> limits = new ConcurrentHashMap<>();
  private volatile Function<ResourceID, Optional<QualificationRunReport>> reports;
  private Map<String, CrowdSilence.Crowd> last = Map.of();
  private Instant lookedAt = Instant.MIN;

  public CrowdWatch(RunCache runs, Clock clock, MeterRegistry registry) {
    this.runs = runs;
    this.clock = clock;
    Gauge.builder(
            "runwarden_silent_crowds",
            this,
            w -> w.crowds().values().stream().filter(CrowdSilence.Crowd::silent).count())
        .description(
            "Namespaces where most running runs are silent at once (their liveness limits wait"
                + " longer)")
        .register(registry);
  }

  /** Called by the controller with its reports informer, before the informers start. */
  void watchReports(Function<ResourceID, Optional<QualificationRunReport>> reports) {
    this.reports = reports;
  }

  /** The namespace's crowd as of at most {@link #EVERY} ago. */
  public CrowdSilence.Crowd now(String namespace) {
    return crowds().getOrDefault(namespace, CrowdSilence.Crowd.NONE);
  }

  private synchronized Map<String, CrowdSilence.Crowd> crowds() {
    Instant now = clock.instant();
    if (Duration.between(lookedAt, now).compareTo(EVERY) < 0) return last;
    lookedAt = now;
    Function<ResourceID, Optional<QualificationRunReport>> r = reports;
    if (r == null) return last;
    Map<String, List<CrowdSilence.Watched>> watched = new HashMap<>();
    runs.runs()
        .filter(run -> run.getStatus() != null && run.getStatus().getPhase() == Phase.Running)
        .forEach(
            run ->
                watched(run, r)
                    .ifPresent(
                        w ->
                            watched
                                .computeIfAbsent(
                                    run.getMetadata().getNamespace(), ns -> new ArrayList<>())
                                .add(w)));
    Map<String, CrowdSilence.Crowd> crowds = new HashMap<>();
    watched.forEach((ns, w) -> crowds.put(ns, CrowdSilence.judge(w, now)));
    last = crowds;
    return last;
  }

  private Optional<CrowdSilence.Watched> watched(
      QualificationRun run, Function<ResourceID, Optional<QualificationRunReport>> reports) {
    return reports
        .apply(ResourceID.fromResource(run))
        .filter(
            report ->
                report.getSpec() != null
                    && report.getStatus() != null
                    && report.getStatus().getHeartbeatAt() != null
                    // A worker that reported its outcome is done, not silent.
                    && report.getStatus().getOutcome() == null
                    && report.getSpec().getHeartbeatTimeout() != null
                    && Objects.equals(report.getSpec().getAttempt(), run.getStatus().getAttempt()))
        .flatMap(
            report -> {
              try {
                Instant last = Times.parse(report.getStatus().getHeartbeatAt());
                // Limits are few (the operator writes them from specs and defaults); bounded
                // anyway.
                if (limits.size() > 1000) limits.clear();
                Duration limit =
                    limits.computeIfAbsent(
                        report.getSpec().getHeartbeatTimeout(), DurationParser::parse);
                return Optional.of(new CrowdSilence.Watched(last, limit));
              } catch (RuntimeException e) {
                // A worker's unreadable timestamp: that run is judged by its own rules alone.
                return Optional.empty();
              }
            });
  }
}
