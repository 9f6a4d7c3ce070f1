package io.runwarden.controller;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * How slow the API server is at accepting writes right now, as the operator's own status writes
 * measure it, and the grace that buys a run's workers.
 *
 * <p>A saturated API server accepts a worker's heartbeat late, and the worker's next one waits for
 * that answer: its heartbeats land further apart than it sends them, through no fault of its own.
 * When the operator's own writes take {@code L} (the slowest in the last minute), a worker's do
 * too, so the start, heartbeat and progress limits get {@code 2 L} more (a late acceptance, then a
 * late next send), at most the limit itself again and never past the run's or attempt's deadline,
 * which stay absolute. Below {@link #THRESHOLD} the grace is zero: ordinary jitter moves no limit.
 * This is the node lifecycle controller's idea (slow evictions when a whole zone looks unhealthy)
 * with the API server's own answer time as the signal: a dead worker is still caught, a little
 * later, while the server is slow. Thread-safe.
 */
public final class ApiLatency {

  /** Latencies under this move no limit. */
  static final Duration THRESHOLD = Duration.ofSeconds(1);

  /** The largest grace, whatever the latency. */
  static final Duration MAX_GRACE = Duration.ofMinutes(2);

  /** How long a slow write keeps counting. */
  static final Duration WINDOW = Duration.ofSeconds(60);

  private static final int BUCKETS = 6;
  private static final long BUCKET_MILLIS = WINDOW.toMillis() / BUCKETS;

  private final Clock clock;

  /** Per bucket: its start (epoch ms / BUCKET_MILLIS) and the slowest write in it (ms). */
  private final long[] bucketIndex = new long[BUCKETS];

  private final long[] slowestMillis = new long[BUCKETS];

  public ApiLatency(Clock clock) {
    this.clock = clock;
  }

  /** A write (or a failed attempt at one) that took {@code took}. */
  public synchronized void record(Duration took) {
    long index = clock.millis() / BUCKET_MILLIS;
    int slot = (int) (index % BUCKETS);
    if (bucketIndex[slot] != index) {
      bucketIndex[slot] = index;
      slowestMillis[slot] = 0;
    }
    slowestMillis[slot] = Math.max(slowestMillis[slot], took.toMillis());
  }

  /**
   * Runs {@code call} (one request to the API server) and records how long it took, failed or not.
   */
  public <T> T timed(Supplier<T> call) {
    long started = clock.millis();
    try {
      return call.get();
    } finally {
      // A request that timed out or failed took as long, too: the API server was that slow.
      record(Duration.ofMillis(clock.millis() - started));
    }
  }

  /** The slowest write of the last minute. */
  public synchronized Duration slowest() {
    long now = clock.millis() / BUCKET_MILLIS;
    long max = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (now - bucketIndex[i] < BUCKETS) {
        max = Math.max(max, slowestMillis[i]);
      }
    }
    return Duration.ofMillis(max);
  }

  /** The grace for liveness limits now (zero while the API server answers in time). */
  public Duration grace() {
    Duration slowest = slowest();
    if (slowest.compareTo(THRESHOLD) < 0) {
      return Duration.ZERO;
    }
    Duration grace = slowest.multipliedBy(2);
    return grace.compareTo(MAX_GRACE) > 0 ? MAX_GRACE : grace;
  }
}
