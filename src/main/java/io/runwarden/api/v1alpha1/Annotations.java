package io.runwarden.api.v1alpha1;

/**
 * The annotations users and the operator put on a run to ask for something: user-facing API (the
 * README's on-call section), so they live beside the resource rather than in the core that reads
 * them.
 */
public final class Annotations {

  /** One-shot request: any new value starts a new attempt now (see {@code status.requests}). */
  public static final String RETRY_NOW = "runwarden.io/retry-now";

  /** One-shot request: any new value fails the run, the value being the message. */
  public static final String FORCE_FAIL = "runwarden.io/force-fail";

  /** Annotation the concurrency gate puts on a run that a newer one replaces (value: its name). */
  public static final String REPLACED_BY = "runwarden.io/replaced-by";

  private Annotations() {}
}
