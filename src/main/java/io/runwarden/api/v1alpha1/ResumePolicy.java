package io.runwarden.api.v1alpha1;

/** What a retry starts from. */
public enum ResumePolicy {
  /** Hand the last reported checkpoint (and progress) to the next attempt, when there is one. */
  FromCheckpoint,
  /** Every attempt starts from scratch. */
  Restart
}
