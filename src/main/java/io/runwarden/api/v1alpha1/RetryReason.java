package io.runwarden.api.v1alpha1;

/** Why an attempt ended without success; the values {@code spec.retry.reasons} can list. */
public enum RetryReason {
  HeartbeatLost,
  NoProgress,
  StartTimeout,
  AttemptTimedOut,
  WorkerFailed
}
