package io.runwarden.lifecycle;

import java.util.List;

/**
 * Whether a run may hold its concurrency key now.
 *
 * @param holders for Queued: the runs it waits for (those holding the key, or the run replacing
 *     it), oldest first
 * @param position for Queued: its place in the key's queue, 1 = next to start; 0 when it does not
 *     wait in line (a run being replaced, or replacing others)
 */
public record Admission(boolean admitted, List<String> holders, int position, String message) {

  public static final Admission ADMITTED = new Admission(true, List.of(), 0, null);

  public static Admission queued(String holder, String message) {
    return new Admission(false, List.of(holder), 0, message);
  }

  public static Admission inLine(List<String> holders, int position, String message) {
    return new Admission(false, List.copyOf(holders), position, message);
  }

  /** The first run waited for. */
  public String holder() {
    return holders.isEmpty() ? null : holders.get(0);
  }
}
