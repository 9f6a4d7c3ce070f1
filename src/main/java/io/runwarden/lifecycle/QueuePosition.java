package io.runwarden.lifecycle;

/**
 * The queue position a run shows. Exact up to 10; beyond that rounded down to one significant digit
 * (11-19 show 10, 20-29 show 20, 100-199 show 100 ...). Every change of what a queued run shows is
 * a status write, and with exact positions each run that starts would rewrite every run behind it:
 * n² writes for a queue of n. Rounded, a run that moves up from position n is rewritten about 10 +
 * 9·log10(n/10) times (37 from 10,000), and the holders' end wakes only the runs whose shown
 * position changes.
 */
public final class QueuePosition {

  /** Positions up to this one are shown exactly. */
  public static final int EXACT_UP_TO = 10;

  private QueuePosition() {}

  public static int shown(int position) {
    if (position <= EXACT_UP_TO) {
      return position;
    }
    int magnitude = 1;
    while (position / magnitude >= 10) {
      magnitude *= 10;
    }
    return position / magnitude * magnitude;
  }

  /** Whether a run at this position shows something else once it moves up one place. */
  public static boolean changesOnMoveUp(int position) {
    return position > 1 && shown(position) != shown(position - 1);
  }
}
