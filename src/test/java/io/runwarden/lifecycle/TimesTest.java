package io.runwarden.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Times#parse}'s quick path means exactly what {@code OffsetDateTime.parse} means. */
class TimesTest {

  @Test
  void theFormsKubernetesAndTheWorkersWriteTakeTheQuickPathAndMeanTheSameInstant() {
    Random random = new Random(20261203);
    for (int i = 0; i < 20_000; i++) {
      // 1900 to 2200, any nanosecond
      long second = -2_208_988_800L + (long) (random.nextDouble() * 9_467_280_000L);
      Instant instant = Instant.ofEpochSecond(second, random.nextInt(1_000_000_000));
      int digits = random.nextInt(10); // 0 = no fraction
      int offsetMinutes = random.nextInt(4) == 0 ? (random.nextInt(36 * 60 + 1) - 18 * 60) : 0;
      String text = rfc3339(instant, digits, offsetMinutes, random.nextBoolean());
      assertThat(Times.parseCommon(text)).as(text).isNotNull().isEqualTo(jdk(text));
    }
    assertThat(Times.parse("2026-12-03T03:22:40Z"))
        .isEqualTo(Instant.parse("2026-12-03T03:22:40Z"));
    assertThat(Times.parse("2026-12-03T03:22:40.5+01:30"))
        .isEqualTo(Instant.parse("2026-12-03T01:52:40.5Z"));
  }

  @Test
  void whatTheQuickPathDoesNotTakeIsLeftToTheJdkParser() {
    List<String> odd =
        List.of(
            "2026-02-29T00:00:00Z", // no such day
            "2024-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-12-32T00:00:00Z",
            "2026-12-03T24:00:00Z",
            "2026-12-03T23:60:00Z",
            "2026-12-03T23:59:60Z",
            "2026-12-03T03:22Z", // no seconds: the JDK accepts it
            "2026-12-03t03:22:40z", // lower case: so does it
            "2026-12-03T03:22:40.Z",
            "2026-12-03T03:22:40.1234567891Z", // ten digits
            "2026-12-03T03:22:40+19:00",
            "2026-12-03T03:22:40+18:00",
            "2026-12-03T03:22:40-18:01",
            "2026-12-03T03:22:40+05",
            "2026-12-03T03:22:40+05:30:15",
            "2026-12-03T03:22:40",
            "2026-12-03 03:22:40Z",
            "+2026-12-03T03:22:40Z",
            "2026-1a-03T03:22:40Z",
            "２０２６-12-03T03:22:40Z", // full-width digits
            "2026-12-03T03:22:40Zjunk",
            "0000-01-01T00:00:00Z",
            "not a time",
            "");
    for (String text : odd) {
      assertThat(Times.parse(text)).as(text).isEqualTo(text.isBlank() ? null : jdk(text));
    }
  }

  @Test
  void formattingWritesWhatInstantToStringWritesAtMillisecondPrecision() {
    Random random = new Random(3);
    List<Instant> instants =
        new java.util.ArrayList<>(
            List.of(
                Instant.EPOCH,
                Instant.parse("2026-12-03T03:22:40Z"),
                Instant.parse("2026-12-03T03:22:40.000999Z"), // below a millisecond: dropped
                Instant.parse("1969-12-31T23:59:59.999Z"),
                Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), // five digits: left to the JDK
                Instant.parse("-0001-12-31T23:59:59Z"),
                Instant.MAX,
                Instant.MIN));
    for (int i = 0; i < 20_000; i++) {
      long second = -62_167_219_200L + (long) (random.nextDouble() * 315_537_897_600L);
      int nanos = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000);
      instants.add(Instant.ofEpochSecond(second, nanos));
    }
    for (Instant instant : instants) {
      assertThat(Times.format(instant))
          .as(instant.toString())
          .isEqualTo(instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
    }
    assertThat(Times.format(null)).isNull();
  }

  private static Instant jdk(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String rfc3339(Instant instant, int digits, int offsetMinutes, boolean colonZ) {
    ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
    OffsetDateTime t = instant.atOffset(offset);
    StringBuilder b =
        new StringBuilder(
            String.format(
                "%04d-%02d-%02dT%02d:%02d:%02d",
                t.getYear(),
                t.getMonthValue(),
                t.getDayOfMonth(),
                t.getHour(),
                t.getMinute(),
                t.getSecond()));
    if (digits > 0) {
      String nanos = String.format("%09d", t.getNano());
      b.append('.').append(nanos, 0, digits);
    }
    if (offsetMinutes == 0 && colonZ) {
      b.append('Z');
    } else {
      int abs = Math.abs(offsetMinutes);
      b.append(offsetMinutes < 0 ? '-' : '+')
          .append(String.format("%02d:%02d", abs / 60, abs % 60));
    }
    return b.toString();
  }
}
