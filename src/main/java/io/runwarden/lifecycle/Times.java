package io.runwarden.lifecycle;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** RFC 3339 in and out of the status. Unparseable input is treated as absent, never fatal. */
public final class Times {

  private Times() {}

  public static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Millisecond precision: deadlines from fractional backoff stay exact enough, and short. */
  public static String format(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
