package io.runwarden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.controller.ReportLateness;
import io.runwarden.lifecycle.CrowdSilence;
import io.runwarden.lifecycle.Inputs;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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

  @Test
  void theSlowApiServersGraceIsNamedWithItsLength() {
    String message =
        "No heartbeat for attempt 1 since 2026-01-01T00:00:05Z (timeouts.heartbeat=4s, plus 1m20s "
            + Inputs.SLOW_API_SERVER
            + ").";
    assertThat(Grace.of(message)).isEqualTo(new Grace("slowApiServer", Duration.ofSeconds(80)));
  }

  @Test
  void aSilentCrowdsGraceIsNamedWithItsLength() {
    String message =
        "No worker claimed attempt 2 within 5s (timeouts.start), plus 4s "
            + new CrowdSilence.Crowd(8, 7, true).note()
            + ".";
    assertThat(Grace.of(message)).isEqualTo(new Grace("crowdSilence", Duration.ofSeconds(4)));
  }

  @Test
  void aRunsLateReportsGraceIsNamedWithItsLength() {
    String message =
        "No heartbeat for attempt 1 since 2026-01-01T00:00:05Z (timeouts.heartbeat=4s, plus 29s "
            + ReportLateness.NOTE
            + ").";
    assertThat(Grace.of(message)).isEqualTo(new Grace("lateReports", Duration.ofSeconds(29)));
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
