package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.T0;
import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Progress: clamped, mirrored at most once per progressRefresh, the ETA and AtRisk, and the
 * NoProgress limit (rules: ProgressTracking, RunningRules).
 */
@Tag("pure")
class ProgressTrackingTest {

  private RunSimulator progressRun() {
    return new RunSimulator(
        spec -> {
          spec.getTimeouts().setRun("2h");
          spec.getTimeouts().setHeartbeat("30s");
          spec.getTimeouts().setProgress("2m");
          spec.setTotal(100L);
        });
  }

  @Test
  void heartbeatsWithoutProgressAreNoProgress() {
    RunSimulator sim = progressRun();
    sim.decide();
    sim.at(s(0)).claim("w1").decide();
    for (int t = 20; t < 120; t += 20) {
      sim.at(s(t)).heartbeat(0L).decide();
    }
    Decision d = sim.at(s(120)).heartbeat(0L).decide();
    assertThat(d.status().getReason()).isEqualTo(Reasons.NO_PROGRESS);
    assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.STUCK)).isTrue();
  }

  @Test
  void aSlowRunThatKeepsAdvancingIsNeverStuck() {
    RunSimulator sim = progressRun();
    sim.decide();
    sim.at(s(0)).claim("w1").decide();
    // one item every 110 s: slow, but always inside the 2 min progress window
    for (int i = 1; i <= 50; i++) {
      Decision d = sim.at(s(110L * i)).heartbeat((long) i).decide();
      assertThat(d.status().getPhase()).as("after item %d", i).isEqualTo(Phase.Running);
      // heartbeats in between keep the heartbeat rule satisfied
      sim.at(s(110L * i + 25)).heartbeat((long) i).decide();
      sim.at(s(110L * i + 50)).heartbeat((long) i).decide();
      sim.at(s(110L * i + 75)).heartbeat((long) i).decide();
      sim.at(s(110L * i + 100)).heartbeat((long) i).decide();
    }
    assertThat(sim.status().getProgress().getSummary()).isEqualTo("50/100");
    assertThat(sim.status().getProgress().getPercent()).isEqualTo(50);
  }

  @Test
  void completedAboveTotalIsClampedAndNegativeIgnored() {
    RunSimulator sim = progressRun();
    sim.decide();
    sim.claim("w1").decide();
    Decision d = sim.at(s(20)).heartbeat(5000L).decide();
    assertThat(d.status().getProgress().getCompleted()).isEqualTo(100);
    sim.report().setCompleted(-3L);
    d = sim.at(s(40)).decide();
    assertThat(d.status().getProgress().getCompleted()).isEqualTo(100);
  }

  @Test
  void progressAloneIsMirroredAtMostOncePerRefreshInterval() {
    RunSimulator sim = progressRun();
    sim.decide();
    sim.at(s(0)).claim("w1").decide();
    QualificationRunStatus claimed = sim.status();
    // 15 s refresh (LifecycleDefaults.standard): progress at 5 s leaves the status as stored...
    Decision d = sim.at(s(5)).heartbeat(7L).decide();
    assertThat(d.status().getProgress()).isEqualTo(claimed.getProgress());
    assertThat(d.events()).isEmpty();
    // ...and asks to be woken when the mirror is due, where it is written.
    assertThat(d.wakeAt()).contains(T0.plus(s(15)));
    d = sim.at(s(15)).decide();
    assertThat(d.status().getProgress().getSummary()).isEqualTo("7/100");
    assertThat(d.status().getProgress().getLastProgressAt())
        .isEqualTo(Times.format(T0.plus(s(15))));
  }

  @Test
  void aTransitionWritesTheNewestProgressAtOnce() {
    RunSimulator sim = progressRun();
    sim.decide();
    sim.at(s(0)).claim("w1").decide();
    sim.at(s(3)).heartbeat(40L).decide();
    sim.report().setCheckpoint("item=40");
    sim.at(s(3)).decide();
    sim.report().setOutcome(Outcome.Succeeded);
    sim.report().setCompleted(100L);
    Decision d = sim.at(s(4)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Succeeded);
    assertThat(d.status().getProgress().getSummary()).isEqualTo("100/100");
    assertThat(d.status().getCheckpoint())
        .as("the checkpoint held back with the progress, written with the transition")
        .isEqualTo("item=40");
  }

  @Test
  void progressNotYetMirroredStillCountsAgainstNoProgress() {
    RunSimulator sim = progressRun();
    sim.decide();
    sim.at(s(0)).claim("w1").decide();
    // Progress mirrored at 105 s; more progress at 110 s is held back until 120 s, and the
    // 2 min NoProgress deadline (225 s) must not fire on the stale mirror.
    for (int t = 15; t <= 105; t += 15) sim.at(s(t)).heartbeat((long) t / 15).decide();
    sim.at(s(110)).heartbeat(50L).decide();
    for (int t = 125; t <= 230; t += 15) {
      assertThat(sim.at(s(t)).heartbeat(50L).decide().status().getPhase())
          .as("at %d s", t)
          .isEqualTo(Phase.Running);
    }
  }

  @Test
  void etaAfterTheDeadlineRaisesAtRisk() {
    RunSimulator sim =
        new RunSimulator(
            spec -> {
              spec.getTimeouts().setRun("10m");
              spec.setTotal(100L);
            });
    sim.decide();
    sim.claim("w1").decide();
    // 10 items in 5 minutes: 90 more need 45 minutes, the deadline is 5 minutes away
    Decision d = sim.at(m(5)).heartbeat(10L).decide();
    assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.AT_RISK)).isTrue();
    assertThat(Conditions.find(d.status().getConditions(), ConditionTypes.AT_RISK).getReason())
        .isEqualTo(Reasons.PROJECTED_PAST_DEADLINE);
    assertThat(d.status().getEstimatedCompletionAt()).isEqualTo("2026-01-01T00:50:00Z");

    d = sim.at(m(6)).heartbeat(99L).decide();
    assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.AT_RISK)).isFalse();
  }
}
