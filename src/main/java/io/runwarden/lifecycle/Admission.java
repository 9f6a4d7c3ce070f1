package io.runwarden.lifecycle;

/**
 * Whether a run may hold its concurrency key now.
 *
 * @param holder for Queued: the run it waits for
 */
public record Admission(boolean admitted, String holder, String message) {

  public static final Admission ADMITTED = new Admission(true, null, null);

  public static Admission queued(String holder, String message) {
    return new Admission(false, holder, message);
  }
}
