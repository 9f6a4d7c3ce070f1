package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.WorkerReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * When the next attempt of a retried run may start: the capped exponential backoff, shortened by
 * the jitter (by up to {@code spec.retry.backoff.jitter}, a fraction fixed per run and attempt:
 * reproducible, and different across runs so a hundred runs failing together do not retry
 * together), never earlier than the worker's {@code retryAfter} (a rate-limited API: "not before
 * 14:05"), and never later than the run deadline, which fires first.
 */
final class RetryDelay {

  private RetryDelay() {}

  /** The next attempt's earliest start, and why it is then (for the run's message). */
  record Next(Instant at, String why) {}

  static Next next(Evaluation e, int retriesUsed, WorkerReport r) {
    Duration backoff = jittered(e.policy.backoff(retriesUsed), e.policy.jitter(), spread(e));
    Instant at = e.now.plus(backoff);
    String why = "";
    Instant asked = retryAfter(r, e.now);
    if (asked != null && asked.isAfter(at)) {
      at = asked;
      why = " (the worker asked for no retry before " + Times.format(asked) + ")";
    }
    Instant deadline = e.timeoutAt();
    if (at.isAfter(deadline)) {
      at = deadline; // the deadline fires first: "deadline beats pending retries"
    }
    return new Next(at, why);
  }

  /** The delay shortened by {@code jitter * spread}: at most the configured delay, never less. */
  static Duration jittered(Duration delay, double jitter, double spread) {
    return Duration.ofMillis(Math.round(delay.toMillis() * (1 - jitter * spread)));
  }

  /** A fraction in [0, 1) fixed by the run (its UID, else namespace/name) and the attempt. */
  static double spread(Evaluation e) {
    var m = e.run.getMetadata();
    String id = m.getUid() != null ? m.getUid() : m.getNamespace() + "/" + m.getName();
    return spread(id, e.attempt() == null ? 0 : e.attempt());
  }

  static double spread(String runId, int attempt) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((runId + "#" + attempt).getBytes(StandardCharsets.UTF_8));
      long bits = ((d[0] & 0xffL) << 16) | ((d[1] & 0xffL) << 8) | (d[2] & 0xffL);
      return bits / (double) (1 << 24);
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * The worker's retryAfter as an instant: a duration counts from now (the report that carries it
   * is being judged now), a time stands as given; anything else is ignored (the schema bounds its
   * length, and a worker's typo must not stall its run).
   */
  static Instant retryAfter(WorkerReport r, Instant now) {
    if (r == null || r.getOutcome() != Outcome.Failed)
      return null; // only with a failure it reports
    String v = r.getRetryAfter();
    if (v == null || v.isBlank()) return null;
    try {
      return now.plus(DurationParser.parse(v.strip()));
    } catch (RuntimeException notADuration) {
      try {
        return Instant.parse(v.strip());
      } catch (DateTimeParseException notATime) {
        return null;
      }
    }
  }
}
