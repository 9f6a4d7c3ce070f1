package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.testing.MovingClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The grace a run's own late heartbeats buy it: three times their lateness, bounded. */
@Tag("pure")
class ReportLatenessTest {

  private final MovingClock clock = new MovingClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ReportLateness lateness = new ReportLateness(clock, registry);
  private final ResourceID run = new ResourceID("a", "team-a");

  private void heartbeatStampedAgo(ResourceID id, Duration ago) {
    lateness.seen(id, clock.now.minus(ago));
  }

  @Test
  void heartbeatsOnTimeMoveNoLimitAndKeepNoEntry() {
    heartbeatStampedAgo(run, Duration.ofMillis(999));
    heartbeatStampedAgo(run, Duration.ZERO);
    assertThat(lateness.grace(run)).isZero();
    assertThat(lateness.tracked()).isZero();
  }

  @Test
  void aLateHeartbeatBuysThreeTimesItsLatenessForUpToTwoWindows() {
    heartbeatStampedAgo(run, Duration.ofSeconds(2));
    heartbeatStampedAgo(run, Duration.ofMillis(100));
    assertThat(lateness.grace(run)).as("the slowest counts").isEqualTo(Duration.ofSeconds(6));
    assertThat(registry.get("runwarden_late_reporting_runs").gauge().value()).isEqualTo(1);

    clock.advance(ReportLateness.WINDOW);
    assertThat(lateness.grace(run))
        .as("still in the window before")
        .isEqualTo(Duration.ofSeconds(6));
    clock.advance(ReportLateness.WINDOW);
    assertThat(lateness.grace(run)).isZero();
    assertThat(registry.get("runwarden_late_reporting_runs").gauge().value()).isZero();
  }

  @Test
  void theGraceNeverExceedsTwoMinutes() {
    // A worker whose clock runs behind, or that stamps its heartbeats in the past.
    heartbeatStampedAgo(run, Duration.ofHours(1));
    assertThat(lateness.grace(run)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aStampInTheFutureWasNotLate() {
    lateness.seen(run, clock.now.plusSeconds(30));
    assertThat(lateness.grace(run)).isZero();
  }

  @Test
  void oneRunsLateReportsMoveNoOtherRunsLimits() {
    ResourceID other = new ResourceID("a", "team-b");
    heartbeatStampedAgo(run, Duration.ofSeconds(5));
    assertThat(lateness.grace(run)).isEqualTo(Duration.ofSeconds(15));
    assertThat(lateness.grace(other)).isZero();
  }

  @Test
  void runsNotHeardFromForTwoWindowsAreDropped() {
    heartbeatStampedAgo(run, Duration.ofSeconds(5));
    heartbeatStampedAgo(new ResourceID("b", "team-a"), Duration.ofSeconds(5));
    assertThat(lateness.tracked()).isEqualTo(2);
    clock.advance(ReportLateness.WINDOW.multipliedBy(2));
    heartbeatStampedAgo(new ResourceID("c", "team-a"), Duration.ZERO);
    assertThat(lateness.tracked()).isZero();
  }

  @Test
  void theFilterTakesTheLatenessOfANewHeartbeatOfTheOpenAttemptOnly() {
    ReportChangeFilter filter = new ReportChangeFilter(lateness);
    Instant late = clock.now.minusSeconds(4);
    var before =
        ReportChangeFilterTest.report(
            2, ReportChangeFilterTest.status(2, 5, "2026-12-02T09:00:00Z"));
    // A zombie attempt's heartbeat: not this run's worker's lateness.
    filter.accept(
        ReportChangeFilterTest.report(2, ReportChangeFilterTest.status(1, 5, late.toString())),
        before);
    assertThat(lateness.grace(run)).isZero();
    filter.accept(
        ReportChangeFilterTest.report(2, ReportChangeFilterTest.status(2, 5, late.toString())),
        before);
    assertThat(lateness.grace(run)).isEqualTo(Duration.ofSeconds(12));
  }
}
