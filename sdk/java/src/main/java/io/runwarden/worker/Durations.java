package io.runwarden.worker;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes-style durations as the run's spec writes them: 250ms, 30s, 5m, 1h30m, 7d. */
final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = PART.matcher(text.strip());
    Duration total = Duration.ZERO;
    int at = 0;
    while (m.lookingAt()) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      at = m.end();
      m.region(at, text.strip().length());
    }
    if (at != text.strip().length()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    return total;
  }
}
