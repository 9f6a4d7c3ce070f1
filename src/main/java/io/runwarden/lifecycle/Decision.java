package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.QualificationRunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the core decided for one run at one instant.
 *
 * @param status the complete operator-owned status
 * @param events one per transition, in order
 * @param wakeAt the earliest instant at which the decision could change without any new
 *     observation; empty for terminal runs
 * @param externalCheck present when the core needs the external service's answer before it can
 *     decide; the status is then unchanged and the shell decides again with the answer
 * @param enforced time rules that fired, with the instant each was due
 */
public record Decision(
    QualificationRunStatus status,
    List<RunEvent> events,
    Optional<Instant> wakeAt,
    Optional<ExternalCheckRequest> externalCheck,
    List<Enforcement> enforced) {

  public Decision(QualificationRunStatus status, List<RunEvent> events, Optional<Instant> wakeAt) {
    this(status, events, wakeAt, Optional.empty(), List.of());
  }

  /** The same decision, woken no later than {@code at} (never later than it already was). */
  public Decision wakeNoLaterThan(Instant at) {
    if (status.getPhase() != null && status.getPhase().isTerminal()) {
      return this;
    }
    Instant wake = wakeAt.filter(w -> w.isBefore(at)).orElse(at);
    return new Decision(status, events, Optional.of(wake), externalCheck, enforced);
  }
}
