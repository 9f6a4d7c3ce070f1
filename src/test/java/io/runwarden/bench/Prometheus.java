package io.runwarden.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough of the Prometheus text format to read one histogram, summed over its labels. */
final class Prometheus {

  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  private Prometheus() {}

  /** The upper bound of the bucket holding the q-quantile (what histogram_quantile rounds to). */
  static double quantileBound(String text, String histogram, double q) {
    Map<Double, Double> buckets = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith(histogram + "_bucket{")) continue;
      Matcher m = LE.matcher(line);
      if (!m.find()) continue;
      double le =
          "+Inf".equals(m.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
      buckets.merge(le, value(line), Double::sum);
    }
    double total = buckets.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (total == 0) return Double.NaN;
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      if (b.getValue() >= q * total) return b.getKey();
    }
    return Double.POSITIVE_INFINITY;
  }

  /** Sum of a series over all its label sets (counters, _count, _sum); max for _max. */
  static double sum(String text, String series) {
    return sum(text, series, "");
  }

  /** The sum of the series' lines that carry {@code label} (as {@code name="value"}). */
  static double sum(String text, String series, String label) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if ((line.startsWith(series + "{") || line.startsWith(series + " "))
          && line.contains(label)) {
        sum += value(line);
      }
    }
    return sum;
  }

  static double max(String text, String series) {
    double max = Double.NaN;
    for (String line : text.split("\n")) {
      if (line.startsWith(series + "{") || line.startsWith(series + " ")) {
        double v = value(line);
        max = Double.isNaN(max) ? v : Math.max(max, v);
      }
    }
    return max;
  }

  private static double value(String line) {
    String[] parts = line.trim().split(" ");
    return Double.parseDouble(parts[parts.length - 1]);
  }
}
