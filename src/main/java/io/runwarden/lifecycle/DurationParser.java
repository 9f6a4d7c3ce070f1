package io.runwarden.lifecycle;

import io.runwarden.text.UserText;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the API's Kubernetes-style durations ({@code 30s}, {@code 1h30m}, {@code 7d}, {@code
 * 250ms}). The CRD schema already refuses other shapes; this is the second line for objects stored
 * before a schema change or written by clients that skip validation.
 */
public final class DurationParser {

  private static final Pattern WHOLE = Pattern.compile("([0-9]{1,9}(ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

  /** The schema's maxLength for durations. */
  public static final int MAX_LENGTH = 32;

  private DurationParser() {}

  /**
   * @throws IllegalArgumentException with a message fit for a user when the text is malformed
   */
  public static Duration parse(String text) {
    if (text == null || text.length() > MAX_LENGTH || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "'"
              + UserText.escape(text, MAX_LENGTH)
              + "' is not a duration like 30s, 5m, 1h30m or 7d (at most "
              + MAX_LENGTH
              + " characters)");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
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
    }
    return total;
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
