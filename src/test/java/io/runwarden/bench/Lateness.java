package io.runwarden.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lateness samples (seconds past the instant a rule fired) plus the enforcements that never came.
 * Percentiles count missed enforcements as infinitely late, so a p99 can honestly be "missed".
 */
final class Lateness {

  private final List<Double> samples = Collections.synchronizedList(new ArrayList<>());
  private volatile int missed;

  void add(double seconds) {
    samples.add(seconds);
  }

  void missed(int count) {
    missed = count;
  }

  int enforced() {
    return samples.size();
  }

  int missed() {
    return missed;
  }

  /** The q-quantile (nearest rank), or +Infinity when it falls among the missed. */
  double quantile(double q) {
    List<Double> sorted;
    synchronized (samples) {
      sorted = new ArrayList<>(samples);
    }
    Collections.sort(sorted);
    int total = sorted.size() + missed;
    if (total == 0) return Double.NaN;
    int rank = (int) Math.ceil(q * total) - 1;
    rank = Math.max(rank, 0);
    return rank < sorted.size() ? sorted.get(rank) : Double.POSITIVE_INFINITY;
  }

  double max() {
    if (missed > 0) return Double.POSITIVE_INFINITY;
    synchronized (samples) {
      return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("enforced", enforced());
    m.put("missed", missed);
    m.put("p50Seconds", finite(quantile(0.50)));
    m.put("p99Seconds", finite(quantile(0.99)));
    m.put("maxSeconds", finite(max()));
    return m;
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : "missed";
  }
}
