package io.runwarden.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("pure")
class DurationParserTest {

  @ParameterizedTest
  @CsvSource({"30s,PT30S", "5m,PT5M", "2h,PT2H", "1h30m,PT1H30M", "7d,PT168H", "250ms,PT0.25S"})
  void parsesKubernetesStyleDurations(String text, String iso) {
    assertThat(DurationParser.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "m5", "5 m", "-5m", "1.5h", "PT5M", "five minutes"})
  void refusesEverythingElseWithAMessageThatQuotesTheInput(String text) {
    assertThatThrownBy(() -> DurationParser.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @ParameterizedTest
  @CsvSource({"PT1M30S,1m30s", "PT0S,0s", "PT26H,1d2h", "PT0.5S,500ms"})
  void formatsForHumans(String iso, String text) {
    assertThat(DurationParser.format(Duration.parse(iso))).isEqualTo(text);
  }

  /**
   * The parser scans characters instead of matching regular expressions; it must accept exactly
   * what the CRD's schema accepts (the pattern read from the committed CRD) and sum the parts as
   * the pattern splits them: every string of up to five characters over digits, the units and two
   * other characters, and random longer ones up to past the length limit.
   */
  @Test
  void acceptsExactlyTheSchemasPatternAndSumsItsParts() throws IOException {
    Pattern schema = schemaPattern();
    Pattern part = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");
    String alphabet = "0159msdhx.";
    List<String> texts = new ArrayList<>();
    allStrings(alphabet, "", 5, texts);
    Random random = new Random(20261204);
    for (int k = 0; k < 20_000; k++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(36);
      for (int c = 0; c < length; c++) {
        // Mostly digits and units, so that long valid durations come up too.
        text.append(
            random.nextInt(4) == 0
                ? alphabet.charAt(random.nextInt(alphabet.length()))
                : "0123456789smhd".charAt(random.nextInt(14)));
      }
      texts.add(text.toString());
    }
    texts.addAll(List.of("123456789s", "1234567890s", "999999999d999999999d999999999d"));
    int accepted = 0;
    for (String text : texts) {
      boolean valid = text.length() <= DurationParser.MAX_LENGTH && schema.matcher(text).matches();
      if (valid) {
        Duration expected = Duration.ZERO;
        Matcher m = part.matcher(text);
        while (m.find()) {
          long n = Long.parseLong(m.group(1));
          expected =
              expected.plus(
                  switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                  });
        }
        assertThat(DurationParser.parse(text)).as(text).isEqualTo(expected);
        accepted++;
      } else {
        assertThatThrownBy(() -> DurationParser.parse(text))
            .as(text)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
    // Both sides were exercised in numbers.
    assertThat(accepted).isGreaterThan(1_000);
    assertThat(texts.size() - accepted).isGreaterThan(1_000);
  }

  private static Pattern schemaPattern() throws IOException {
    Matcher m =
        Pattern.compile("pattern: \"(\\^\\(\\[0-9\\][^\"]*ms\\|s[^\"]*)\"")
            .matcher(
                Files.readString(Path.of("deploy/crds/qualificationruns.runwarden.io-v1.yml")));
    assertThat(m.find()).as("the CRD's duration pattern").isTrue();
    return Pattern.compile(m.group(1));
  }

  private static void allStrings(String alphabet, String prefix, int left, List<String> out) {
    out.add(prefix);
    if (left == 0) {
      return;
    }
    for (char c : alphabet.toCharArray()) {
      allStrings(alphabet, prefix + c, left - 1, out);
    }
  }
}
