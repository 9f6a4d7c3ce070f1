package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.T0;
import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.s;
import static io.runwarden.lifecycle.RunSimulator.standardRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Phase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** spec.suspend: timers paused, the run deadline not (rule: Suspension). */
@Tag("pure")
class SuspensionTest {

  @Test
  void suspendStopsAttemptTimersButNotTheRunDeadline() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.claim("w1").decide();
    sim.run.getSpec().setSuspend(true);
    Decision d = sim.at(s(10)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Suspended);
    assertThat(d.wakeAt()).contains(T0.plus(Duration.ofHours(1)));

    // Ten silent minutes while suspended are not a lost heartbeat ...
    sim.run.getSpec().setSuspend(false);
    d = sim.at(m(10)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
    assertThat(d.status().getReason()).isEqualTo(Reasons.RESUMED);
    assertThat(d.wakeAt()).contains(T0.plus(m(10)).plus(s(30)));
    // ... but silence after resuming is.
    d = sim.at(m(10).plus(s(30))).decide();
    assertThat(d.status().getReason()).isEqualTo(Reasons.HEARTBEAT_LOST);
  }

  @Test
  void suspendedRunStillFailsAtItsDeadline() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.run.getSpec().setSuspend(true);
    sim.at(s(1)).decide();
    Decision d = sim.at(Duration.ofHours(1)).decide();
    assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
  }

  @Test
  void resumeShiftsAPendingRetryByThePause() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.at(m(1)).decide(); // retry at 1m10s
    sim.run.getSpec().setSuspend(true);
    sim.at(m(1).plus(s(5))).decide(); // 5 s before the retry
    sim.run.getSpec().setSuspend(false);
    Decision d = sim.at(m(5)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
    assertThat(Instant.parse(d.status().getNextRetryAt())).isEqualTo(T0.plus(m(5)).plus(s(5)));
  }
}
