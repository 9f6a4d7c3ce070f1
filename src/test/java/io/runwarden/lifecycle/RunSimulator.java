package io.runwarden.lifecycle;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.Backoff;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.api.v1alpha1.Timeouts;
import io.runwarden.api.v1alpha1.WorkerReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A run, its worker's report, a fake clock and the core: each {@link #decide()} stores the decided
 * status the way the API server would, so a test reads like a timeline.
 */
final class RunSimulator {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** run 1h, start 1m, heartbeat 30s, backoff 10s x2 up to 1m, 2 retries. */
  static RunSimulator standardRun() {
    return new RunSimulator(
        spec -> {
          spec.getTimeouts().setRun("1h");
          spec.getTimeouts().setStart("1m");
          spec.getTimeouts().setHeartbeat("30s");
          spec.setRetry(retry(2, "10s", 2.0, "1m"));
        });
  }

  /** Managed mode: a pod template with one container. */
  static AttemptJobSpec managedJob() {
    AttemptJobSpec job = new AttemptJobSpec();
    job.setTemplate(
        new PodTemplateSpecBuilder()
            .withNewSpec()
            .addNewContainer()
            .withName("w")
            .withImage("x")
            .endContainer()
            .endSpec()
            .build());
    return job;
  }

  static RetryPolicy retry(int max, String initial, double factor, String cap) {
    RetryPolicy r = new RetryPolicy();
    r.setMaxRetries(max);
    Backoff b = new Backoff();
    b.setInitial(initial);
    b.setFactor(factor);
    b.setMax(cap);
    b.setJitter(0.0); // exact times in these tests; RetryDelayTest covers the spread
    r.setBackoff(b);
    return r;
  }

  final QualificationRun run = new QualificationRun();
  final Lifecycle lifecycle;
  Instant now = T0;
  Decision last;

  /** The worker's report as the shell would hand it over (the run's report status), or null. */
  WorkerReport report;

  final List<RunEvent> events = new ArrayList<>();

  RunSimulator(Consumer<QualificationRunSpec> spec) {
    this(LifecycleDefaults.standard(), spec);
  }

  RunSimulator(LifecycleDefaults defaults, Consumer<QualificationRunSpec> spec) {
    this.lifecycle = new Lifecycle(defaults);
    run.setMetadata(
        new ObjectMetaBuilder()
            .withName("run")
            .withNamespace("ns")
            .withGeneration(1L)
            .withCreationTimestamp(T0.toString())
            .build());
    QualificationRunSpec s = new QualificationRunSpec();
    s.setTimeouts(new Timeouts());
    spec.accept(s);
    run.setSpec(s);
  }

  Decision decide() {
    return decide(Inputs.NONE);
  }

  Decision decide(Inputs inputs) {
    last = lifecycle.decide(run, inputs.withReport(report), now);
    run.setStatus(last.status());
    events.addAll(last.events());
    return last;
  }

  RunSimulator at(Duration sinceT0) {
    now = T0.plus(sinceT0);
    return this;
  }

  RunSimulator after(Duration d) {
    now = now.plus(d);
    return this;
  }

  QualificationRunStatus status() {
    return run.getStatus();
  }

  WorkerReport report() {
    if (report == null) {
      report = new WorkerReport();
    }
    return report;
  }

  /** The worker claims the current attempt and heartbeats now. */
  RunSimulator claim(String worker) {
    WorkerReport r = new WorkerReport();
    r.setAttempt(status().getAttempt());
    r.setWorker(worker);
    r.setHeartbeatAt(now.toString());
    report = r;
    return this;
  }

  RunSimulator heartbeat(Long completed) {
    report().setHeartbeatAt(now.toString());
    if (completed != null) report().setCompleted(completed);
    return this;
  }

  RunSimulator outcome(Outcome outcome) {
    report().setOutcome(outcome);
    return this;
  }

  List<String> eventReasons() {
    return events.stream().map(RunEvent::reason).toList();
  }

  static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  static Duration m(long minutes) {
    return Duration.ofMinutes(minutes);
  }
}
