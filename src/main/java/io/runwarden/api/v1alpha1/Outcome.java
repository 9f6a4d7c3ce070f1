package io.runwarden.api.v1alpha1;

/** How an attempt ended, as a worker reports it or as recorded in the history. */
public enum Outcome {
  Succeeded,
  Failed
}
