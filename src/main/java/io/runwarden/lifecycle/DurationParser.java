package io.runwarden.lifecycle;

import io.runwarden.text.UserText;
import java.time.Duration;

/**
 * Parses the API's Kubernetes-style durations ({@code 30s}, {@code 1h30m}, {@code 7d}, {@code
 * 250ms}). The CRD schema already refuses other shapes; this is the second line for objects stored
 * before a schema change or written by clients that skip validation.
 *
 * <p>It accepts exactly the schema's pattern ({@code ^([0-9]{1,9}(ms|s|m|h|d))+$}) with a scan of
 * the characters instead of regular expressions: every reconcile resolves a run's durations again
 * (the decision core keeps nothing between reconciles), and the two matchers were 0.8 % of the
 * operator's CPU in the 2026-12-04 profile (docs/performance.md). {@code DurationParserTest} checks
 * the scan against the schema's pattern.
 */
public final class DurationParser {

  /** The schema's maxLength for durations. */
  public static final int MAX_LENGTH = 32;

  private static final int MAX_DIGITS = 9;

  private DurationParser() {}

  /**
   * @throws IllegalArgumentException with a message fit for a user when the text is malformed
   */
  public static Duration parse(String text) {
    Duration parsed = text == null || text.length() > MAX_LENGTH ? null : scan(text);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "'"
              + UserText.escape(text, MAX_LENGTH)
              + "' is not a duration like 30s, 5m, 1h30m or 7d (at most "
              + MAX_LENGTH
              + " characters)");
    }
    return parsed;
  }

  /** The sum of the text's parts, or null when it is not one or more digits-and-unit parts. */
  private static Duration scan(String text) {
    int i = 0;
    int length = text.length();
    long millis = 0;
    if (length == 0) {
      return null;
    }
    while (i < length) {
      int digitsFrom = i;
      long n = 0;
      while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        n = n * 10 + (text.charAt(i) - '0');
        i++;
      }
      int digits = i - digitsFrom;
      if (digits == 0 || digits > MAX_DIGITS || i == length) {
        return null;
      }
      char unit = text.charAt(i++);
      long unitMillis;
      if (unit == 'm' && i < length && text.charAt(i) == 's') {
        i++;
        unitMillis = 1;
      } else {
        unitMillis =
            switch (unit) {
              case 's' -> 1_000L;
              case 'm' -> 60_000L;
              case 'h' -> 3_600_000L;
              case 'd' -> 86_400_000L;
              default -> 0L;
            };
      }
      if (unitMillis == 0) {
        return null;
      }
      millis += n * unitMillis;
    }
    // At most 32 characters: three parts of nine digits' days, far inside a long of milliseconds.
    return Duration.ofMillis(millis);
  }

  /** Short human form for messages: 90s -> 1m30s. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long days = d.toDays();
    if (days > 0) sb.append(days).append('d');
    if (d.toHoursPart() > 0) sb.append(d.toHoursPart()).append('h');
    if (d.toMinutesPart() > 0) sb.append(d.toMinutesPart()).append('m');
    if (d.toSecondsPart() > 0) sb.append(d.toSecondsPart()).append('s');
    if (d.toMillisPart() > 0) sb.append(d.toMillisPart()).append("ms");
    return sb.toString();
  }
}
