package io.runwarden.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * When most running runs go silent at once, the cause is more likely what their workers share (the
 * API server queueing their writes, the network between them and it) than each worker: this is
 * Kubernetes' node lifecycle controller's zone rule (past 55 % of a zone's nodes unhealthy it slows
 * evictions, in a fully disrupted zone it stops them) applied to heartbeats. It covers what {@code
 * ApiLatency} cannot see: the API server's priority and fairness can queue tenants' writes while
 * the operator's own go through at once.
 *
 * <p>A run is quiet when its worker has been silent for more than half its heartbeat limit (the
 * worker libraries heartbeat at a third of it). With at least {@link #MIN_RUNS} runs claimed and
 * more than {@link #SHARE} of them quiet, liveness limits get a grace of the longest quiet run's
 * heartbeat limit (at most {@link #MAX_GRACE}): a worker that really died is still failed, at twice
 * its limit instead of once, and a crowd that stays silent that long is failed too, as a real
 * outage of every worker must surface. Below the threshold every run is judged alone.
 */
public final class CrowdSilence {

  /** Fewer running runs than this are never a crowd (the node controller's small-cluster rule). */
  public static final int MIN_RUNS = 5;

  /** The share of quiet runs from which the crowd is silent (the node controller's 0.55). */
  public static final double SHARE = 0.55;

  public static final Duration MAX_GRACE = Duration.ofMinutes(10);

  /** How a limit's message ends when this grace applied (the benchmark counts them by it). */
  public static final String NOTE_END = "running runs in the namespace are silent at once";

  /** A running run: its worker's last sign of life and its heartbeat limit. */
  public record Watched(Instant lastSign, Duration limit) {}

  /** The crowd now: how many runs are watched, how many are quiet, whether it is silent. */
  public record Crowd(int watched, int quiet, boolean silent) {

    public static final Crowd NONE = new Crowd(0, 0, false);

    /** The grace for a run of this crowd whose heartbeat limit is {@code limit}. */
    public Duration grace(Duration limit) {
      if (!silent || limit == null) return Duration.ZERO;
      return limit.compareTo(MAX_GRACE) > 0 ? MAX_GRACE : limit;
    }

    /** For a limit's message: why the grace applies. */
    public String note() {
      return "while %d of %d %s".formatted(quiet, watched, NOTE_END);
    }
  }

  private CrowdSilence() {}

  public static Crowd judge(Collection<Watched> runs, Instant now) {
    int quiet = 0;
    for (Watched w : runs) {
      if (Duration.between(w.lastSign(), now).compareTo(w.limit().dividedBy(2)) > 0) quiet++;
    }
    int watched = runs.size();
    return new Crowd(watched, quiet, watched >= MIN_RUNS && quiet > SHARE * watched);
  }
}
