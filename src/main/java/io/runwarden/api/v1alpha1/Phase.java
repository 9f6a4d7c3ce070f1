package io.runwarden.api.v1alpha1;

/** Where a run is in its lifecycle. Succeeded and Failed are terminal. */
public enum Phase {
  /** The current attempt waits for a worker to claim it. */
  Pending,
  /** A worker has claimed the current attempt. */
  Running,
  /** The last attempt failed or got stuck; the next starts at status.nextRetryAt. */
  Retrying,
  /** spec.suspend is true. */
  Suspended,
  Succeeded,
  Failed;

  public boolean isTerminal() {
    return this == Succeeded || this == Failed;
  }
}
