package io.runwarden.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
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
}
