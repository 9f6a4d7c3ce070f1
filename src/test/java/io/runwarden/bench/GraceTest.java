package io.runwarden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.controller.ReportLateness;
import io.runwarden.lifecycle.CrowdSilence;
import io.runwarden.lifecycle.Inputs;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The benchmark tells a liveness limit's grace from the operator's message, in the format
 * RunningRulesTest pins ("timeouts.heartbeat=30s, plus 8s while the API server is slow ...").
 */
@Tag("pure")
class GraceTest {

  @Test
  void aLimitWithoutGraceIsNone() {
    assertThat(
            Grace.of(
                "No heartbeat for attempt 1 since 2026-01-01T00:00:05Z (timeouts.heartbeat=4s)."))
        .isEqualTo(new Grace("none", Duration.ZERO));
    assertThat(Grace.of(null)).isEqualTo(new Grace("none", Duration.ZERO));
  }

  /** Each grace the reconciler may give, as its message names it, with a length to read back. */
  static Stream<Arguments> graces() {
    return Stream.of(
        Arguments.of(Inputs.SLOW_API_SERVER, "slowApiServer"),
        Arguments.of(new CrowdSilence.Crowd(8, 7, true).note(), "crowdSilence"),
        Arguments.of(ReportLateness.NOTE, "lateReports"));
  }

  @ParameterizedTest
  @MethodSource("graces")
  void aGraceIsNamedWithItsLengthInEitherLimitsMessage(String note, String kind) {
    String heartbeat =
        "No heartbeat for attempt 1 since 2026-01-01T00:00:05Z (timeouts.heartbeat=4s, plus 1m20s "
            + note
            + ").";
    String start = "No worker claimed attempt 2 within 5s (timeouts.start), plus 4s " + note + ".";
    assertThat(Grace.of(heartbeat)).isEqualTo(new Grace(kind, Duration.ofSeconds(80)));
    assertThat(Grace.of(start)).isEqualTo(new Grace(kind, Duration.ofSeconds(4)));
  }

  @Test
  void aTallyCountsAndKeepsTheLongestGrace() {
    Grace.Tally t = new Grace.Tally();
    t.add(new Grace("crowdSilence", Duration.ofSeconds(4)));
    t.add(new Grace("crowdSilence", Duration.ofSeconds(29)));
    t.add(new Grace("crowdSilence", Duration.ofSeconds(10)));
    assertThat(t.json()).containsEntry("count", 3).containsEntry("longestGraceSeconds", 29.0);
  }
}
