package io.runwarden.controller;

import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.lifecycle.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/** When to try a failed reconcile again. Pure. */
final class ErrorRetry {

  static final Duration FIRST = Duration.ofMillis(500);
  static final Duration MAX = Duration.ofSeconds(60);

  private ErrorRetry() {}

  /** 0.5 s, 1 s, 2 s, ... at most a minute. */
  static Duration delay(int failuresInARow) {
    int doublings = Math.min(Math.max(0, failuresInARow - 1), 7);
    Duration d = FIRST.multipliedBy(1L << doublings);
    return d.compareTo(MAX) > 0 ? MAX : d;
  }

  /**
   * The earliest timer the stored status names that is still ahead: the run deadline, the attempt
   * deadline, the next retry. (Heartbeat and start limits are bounded by {@link #MAX}.)
   */
  static Optional<Instant> nextDeadline(QualificationRunStatus status, Instant now) {
    return nextDeadline(status, Optional.empty(), now);
  }

  /**
   * As above; {@code specDeadline} (creation + the spec's run timeout) stands in for the run
   * deadline while no status holds one: a run whose reconciles fail from the first one on has never
   * had its timers written, and must still be woken at its deadline.
   */
  static Optional<Instant> nextDeadline(
      QualificationRunStatus status, Optional<Instant> specDeadline, Instant now) {
    if (status != null && status.getPhase() != null && status.getPhase().isTerminal()) {
      return Optional.empty();
    }
    Stream<Optional<Instant>> stored =
        status == null
            ? Stream.of()
            : Stream.of(
                    status.getTimeoutAt(), status.getAttemptTimeoutAt(), status.getNextRetryAt())
                .map(ErrorRetry::parse);
    boolean noRunDeadline = status == null || parse(status.getTimeoutAt()).isEmpty();
    return Stream.concat(
            stored, Stream.of(noRunDeadline ? specDeadline : Optional.<Instant>empty()))
        .flatMap(Optional::stream)
        .filter(at -> at.isAfter(now))
        .min(Instant::compareTo);
  }

  private static Optional<Instant> parse(String text) {
    try {
      return Optional.ofNullable(Times.parse(text));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
