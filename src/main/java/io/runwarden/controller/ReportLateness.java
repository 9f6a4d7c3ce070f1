package io.runwarden.controller;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How late each run's worker's heartbeats reach the operator, and the grace that buys the run.
 *
 * <p>{@link ApiLatency} measures the operator's own writes, and a worker whose writes are slower
 * than the operator's (more requests per heartbeat, a busier connection, a lower priority-and-
 * fairness level) is not covered by it: with the operator's writes at 2 s and the worker's
 * heartbeats landing 5-6 s apart, a healthy run was judged late (SlowApiServerIT, 2026-12-03). Here
 * the signal is the worker's own: when its report's informer delivers a new heartbeat, how long ago
 * the worker stamped it ({@code L}, the request's way in plus the watch's way out). Its next
 * heartbeat waits for this one's answer, so it lands about {@code 2 L} after this one and is seen
 * {@code L} after that: the start, heartbeat and progress limits get {@code 3 L} more.
 *
 * <p>Bounded so a worker cannot buy much with it: below {@link #THRESHOLD} it is zero, it never
 * exceeds {@link #MAX_GRACE} (a worker whose clock runs behind, or that stamps its heartbeats in
 * the past, is failed at most 2 min later than it would be), and it comes from one run's own
 * reports only, so one tenant's worker never moves another's limits. Run and attempt deadlines stay
 * absolute. Not capped at the run's heartbeat limit: a worker whose every heartbeat takes two
 * requests through a 1 s lag lands one every 4 s, seen 4 s late, and its 3 s limit needs more than
 * itself again. Reports of an operator restart's first list are not counted (they were not just
 * written). Thread-safe; entries older than the window are dropped.
 */
@ApplicationScoped
public class ReportLateness {

  /** Lateness under this moves no limit (ordinary watch delay and clock skew). */
  static final Duration THRESHOLD = Duration.ofSeconds(1);

  static final Duration MAX_GRACE = ApiLatency.MAX_GRACE;

  /** A late heartbeat counts for one to two of these. */
  static final Duration WINDOW = Duration.ofSeconds(30);

  private static final int FACTOR = 3;

  /** For a limit's message. */
  public static final String NOTE = "while this run's reports reach the operator late";

  /** The slowest lateness (ms) in the window {@code bucket} and in the one before it. */
  private record Late(long bucket, long current, long previous) {

    Late with(long now, long lateMillis) {
      if (now == bucket) return new Late(bucket, Math.max(current, lateMillis), previous);
      return new Late(now, lateMillis, now == bucket + 1 ? current : 0);
    }

    long slowest(long now) {
      if (now == bucket) return Math.max(current, previous);
      return now == bucket + 1 ? current : 0;
    }
  }

  private final Clock clock;
  private final Map<ResourceID, Late> late = new ConcurrentHashMap<>();
  private volatile long sweptBucket;

  public ReportLateness(Clock clock, MeterRegistry registry) {
    this.clock = clock;
    Gauge.builder("runwarden_late_reporting_runs", this, ReportLateness::lateRuns)
        .description(
            "Runs whose worker's heartbeats reached the operator 1 s or more after they were"
                + " stamped in the last 30-60 s (their start, heartbeat and progress limits wait"
                + " three times that longer)")
        .register(registry);
  }

  /** The informer just delivered a heartbeat of {@code run} that its worker stamped {@code at}. */
  public void seen(ResourceID run, Instant at) {
    long nowMillis = clock.millis();
    long bucket = nowMillis / WINDOW.toMillis();
    // A stamp in the future (the worker's clock runs ahead) was not late.
    long lateMillis = Math.max(0, nowMillis - at.toEpochMilli());
    sweep(bucket);
    if (lateMillis < THRESHOLD.toMillis() && !late.containsKey(run)) {
      return; // the common case keeps no entry: 10,000 runs on time cost nothing here
    }
    late.compute(
        run,
        (id, old) -> old == null ? new Late(bucket, lateMillis, 0) : old.with(bucket, lateMillis));
  }

  /** The run's grace now. */
  public Duration grace(ResourceID run) {
    Late l = late.get(run);
    if (l == null) return Duration.ZERO;
    long slowest = l.slowest(clock.millis() / WINDOW.toMillis());
    if (slowest < THRESHOLD.toMillis()) return Duration.ZERO;
    Duration grace = Duration.ofMillis(slowest).multipliedBy(FACTOR);
    return grace.compareTo(MAX_GRACE) > 0 ? MAX_GRACE : grace;
  }

  /** Once a window, the runs nothing was heard from for two windows go. */
  private void sweep(long bucket) {
    if (bucket == sweptBucket) return;
    sweptBucket = bucket;
    late.values().removeIf(l -> l.slowest(bucket) == 0 && l.bucket < bucket);
  }

  int tracked() {
    return late.size();
  }

  private double lateRuns() {
    long bucket = clock.millis() / WINDOW.toMillis();
    return late.values().stream().filter(l -> l.slowest(bucket) >= THRESHOLD.toMillis()).count();
  }
}
