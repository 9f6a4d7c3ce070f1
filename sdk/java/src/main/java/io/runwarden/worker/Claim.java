package io.runwarden.worker;

import java.time.Duration;
import java.util.Optional;

/** What {@link RunwardenWorker#claim()} got: the attempt, or a clear reason why not. */
public sealed interface Claim {

  /**
   * This worker holds the attempt. Resume from {@code completed} items and {@code checkpoint}.
   *
   * @param heartbeatTimeout the run's heartbeat limit, if it has one; the library heartbeats at a
   *     third of it
   */
  record Claimed(
      int attempt,
      long completed,
      Optional<String> checkpoint,
      Optional<String> serviceJobId,
      Optional<Duration> heartbeatTimeout)
      implements Claim {}

  /**
   * Nothing to work on: another worker claimed the attempt first, the attempt this pod was made for
   * is no longer the open one, or the run has none open. Not an error: exit quietly.
   */
  record Lost(String reason) implements Claim {}

  default boolean claimed() {
    return this instanceof Claimed;
  }
}
