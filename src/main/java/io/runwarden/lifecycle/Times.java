package io.runwarden.lifecycle;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** RFC 3339 in and out of the status. Unparseable input is treated as absent, never fatal. */
public final class Times {

  /** The days {@link #format} writes itself: four-digit years, as {@code Instant.toString}. */
  private static final long MIN_EPOCH_DAY = LocalDate.of(0, 1, 1).toEpochDay();

  private static final long MAX_EPOCH_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  private Times() {}

  public static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Instant fast = parseCommon(text);
    if (fast != null) {
      return fast;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The forms the API server, the operator and the worker libraries write ({@code
   * 2026-12-03T03:22:40Z}, with up to nine fraction digits, or a {@code +hh:mm} offset), read
   * without {@link java.time.format.DateTimeFormatter}: that parser was about 5 % of the operator's
   * CPU in the benchmark's profile (every decision and the crowd-silence look read several
   * timestamps per run). Anything else, or anything out of range, is left to {@code
   * OffsetDateTime.parse}, so what is accepted and what it means do not change ({@code TimesTest}
   * compares the two).
   *
   * @return the instant, or null to let the general parser decide
   */
  static Instant parseCommon(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23) return null;
    if (minute < 0 || minute > 59 || second < 0 || second > 59) return null;
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
        nanos = nanos * 10 + (s.charAt(i) - '0');
        i++;
      }
      int count = i - start;
      if (count == 0 || (i < n && isDigit(s.charAt(i)))) return null;
      for (int k = count; k < 9; k++) nanos *= 10;
    }
    int offsetSeconds;
    if (i == n - 1 && s.charAt(i) == 'Z') {
      offsetSeconds = 0;
    } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if (oh < 0 || oh > 18 || om < 0 || om > 59 || (oh == 18 && om != 0)) return null;
      offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
    } else {
      return null;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay(); // refuses 31 February
    } catch (DateTimeException e) {
      return null;
    }
    long seconds = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** The non-negative number in {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * Millisecond precision: deadlines from fractional backoff stay exact enough, and short. The text
   * is {@code Instant.toString}'s of the truncated instant, written without {@link
   * java.time.format.DateTimeFormatter} for years 0 to 9999 (that formatter was 1.8 % of the
   * operator's CPU in the benchmark's profile once parsing was quick); {@code TimesTest} compares
   * the two.
   */
  public static String format(Instant instant) {
    if (instant == null) {
      return null;
    }
    long seconds = instant.getEpochSecond();
    long epochDay = Math.floorDiv(seconds, 86_400);
    if (epochDay < MIN_EPOCH_DAY || epochDay > MAX_EPOCH_DAY) {
      return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    int millis = instant.getNano() / 1_000_000;
    char[] out = new char[millis == 0 ? 20 : 24];
    put(out, 0, date.getYear(), 4);
    out[4] = '-';
    put(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    put(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    put(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    put(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    put(out, 17, secondOfDay % 60, 2);
    if (millis != 0) {
      out[19] = '.';
      put(out, 20, millis, 3);
    }
    out[out.length - 1] = 'Z';
    return new String(out);
  }

  private static void put(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
