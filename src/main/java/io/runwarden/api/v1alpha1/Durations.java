package io.runwarden.api.v1alpha1;

/** Schema patterns shared by the API types. */
final class Durations {
  /**
   * Kubernetes-style duration: one or more integer + unit pairs, units ms, s, m, h, d ({@code 30s},
   * {@code 1h30m}, {@code 7d}). Parsed by {@code io.runwarden.lifecycle.DurationParser}.
   */
  static final String PATTERN = "^([0-9]{1,9}(ms|s|m|h|d))+$";

  /** Longer than any duration anyone means (the pattern alone let 3,710 characters through). */
  static final int MAX_LENGTH = 32;

  private Durations() {}
}
