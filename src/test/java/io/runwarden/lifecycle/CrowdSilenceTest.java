package io.runwarden.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.lifecycle.CrowdSilence.Watched;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class CrowdSilenceTest {

  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private static List<Watched> runs(int quiet, int talking) {
    List<Watched> runs = new ArrayList<>();
    for (int i = 0; i < quiet; i++) runs.add(new Watched(NOW.minusSeconds(31), LIMIT));
    for (int i = 0; i < talking; i++) runs.add(new Watched(NOW.minusSeconds(5), LIMIT));
    return runs;
  }

  @Test
  void mostRunsSilentAtOnceGiveEveryLivenessLimitItsOwnLengthAgain() {
    CrowdSilence.Crowd crowd = CrowdSilence.judge(runs(6, 4), NOW);
    assertThat(crowd.silent()).isTrue();
    assertThat(crowd.grace(LIMIT)).isEqualTo(LIMIT);
    assertThat(crowd.grace(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(crowd.note())
        .isEqualTo("while 6 of 10 running runs in the namespace are silent at once");
  }

  @Test
  void halfTheRunsSilentIsNotACrowdAndEachIsJudgedAlone() {
    assertThat(CrowdSilence.judge(runs(5, 5), NOW).grace(LIMIT)).isZero();
  }

  @Test
  void fewerThanFiveRunsAreNeverACrowd() {
    assertThat(CrowdSilence.judge(runs(4, 0), NOW).grace(LIMIT)).isZero();
    assertThat(CrowdSilence.judge(runs(5, 0), NOW).grace(LIMIT)).isEqualTo(LIMIT);
  }

  @Test
  void aRunIsQuietOnlyPastHalfItsLimit() {
    List<Watched> justUnder = new ArrayList<>();
    for (int i = 0; i < 10; i++) justUnder.add(new Watched(NOW.minusSeconds(30), LIMIT));
    assertThat(CrowdSilence.judge(justUnder, NOW).quiet()).isZero();
    assertThat(CrowdSilence.judge(justUnder, NOW.plusMillis(1)).quiet()).isEqualTo(10);
  }

  @Test
  void theGraceIsEachRunsOwnLimitAndAtMostTenMinutes() {
    CrowdSilence.Crowd crowd = CrowdSilence.judge(runs(5, 0), NOW);
    assertThat(crowd.grace(Duration.ofHours(1))).isEqualTo(CrowdSilence.MAX_GRACE);
    assertThat(crowd.grace(null)).as("no heartbeat limit").isZero();
  }
}
