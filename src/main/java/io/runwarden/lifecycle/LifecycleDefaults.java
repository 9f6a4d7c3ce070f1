package io.runwarden.lifecycle;

import java.time.Duration;
import java.util.Optional;

/**
 * Operator-wide defaults for whatever a run's spec leaves out. Built from the operator config; a
 * plain value so the core stays free of CDI and config.
 *
 * @param attempt empty: no per-attempt limit by default
 * @param heartbeat empty: heartbeats are not required by default
 * @param progress empty: no NoProgress rule by default
 * @param progressRefresh how stale status.progress may get: progress reported more often is written
 *     at most this often (see Lifecycle), so a busy worker does not cost a status write per
 *     heartbeat
 * @param maxDuration the longest any duration in a run's spec may be (timeouts, backoff, retention)
 */
public record LifecycleDefaults(
    Duration run,
    Optional<Duration> attempt,
    Duration start,
    Optional<Duration> heartbeat,
    Optional<Duration> progress,
    int maxRetries,
    Duration backoffInitial,
    double backoffFactor,
    Duration backoffMax,
    int historyLimit,
    Duration progressRefresh,
    Duration maxDuration) {

  /** The documented defaults; also what unit tests start from. */
  public static LifecycleDefaults standard() {
    return new LifecycleDefaults(
        Duration.ofHours(24),
        Optional.empty(),
        Duration.ofMinutes(10),
        Optional.of(Duration.ofMinutes(5)),
        Optional.empty(),
        2,
        Duration.ofSeconds(10),
        2.0,
        Duration.ofMinutes(10),
        10,
        Duration.ofSeconds(15),
        Duration.ofDays(365));
  }
}
