package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.T0;
import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.retry;
import static io.runwarden.lifecycle.RunSimulator.s;
import static io.runwarden.lifecycle.RunSimulator.standardRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Phase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The precedence of the rules, on a fake clock: the run deadline beats everything, and a restart
 * judges from timestamps. Each rule has its own test class beside this one.
 */
@Tag("pure")
class LifecycleTest {

  @Nested
  class RunDeadline {
    @Test
    void deadlineFailsAHealthyRunningAttemptWithoutRetry() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.claim("w1").decide();
      for (int t = 20; t < 3600; t += 20) {
        sim.at(s(t)).heartbeat((long) t).decide();
      }
      Decision before = sim.at(Duration.ofHours(1).minusMillis(1)).heartbeat(3600L).decide();
      assertThat(before.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(before.wakeAt()).contains(T0.plus(Duration.ofHours(1)));
      Decision d = sim.at(Duration.ofHours(1)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
      assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
      assertThat(d.status().getRetryCount()).isZero();
      assertThat(d.wakeAt()).isEmpty();
    }

    @Test
    void deadlineBeatsAPendingRetry() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                spec.getTimeouts().setRun("5m");
                spec.getTimeouts().setStart("1m");
                spec.setRetry(retry(2, "3m", 2.0, "10m"));
              });
      sim.decide();
      sim.at(m(1)).decide(); // retry at 4m
      sim.at(m(4)).decide(); // attempt 2
      Decision d = sim.at(m(5)).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
    }

    @Test
    void operatorDownPastADeadlineActsAtOnceOnTheNextLook() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.claim("w1").decide();
      // The operator was away for two hours; the first decision after it is the final one.
      Decision d = sim.at(Duration.ofHours(2)).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
    }
  }

  @Nested
  class RestartSafety {
    @Test
    void freshHeartbeatIsUntouchedAndExpiredOneIsHandledAtOnce() {
      RunSimulator healthy = standardRun();
      RunSimulator dead = standardRun();
      for (RunSimulator sim : List.of(healthy, dead)) {
        sim.decide();
        sim.claim("w").decide();
      }
      // operator down from 10s to 100s; the healthy worker kept heartbeating meanwhile
      healthy.at(s(90)).heartbeat(9L);
      Decision h = healthy.at(s(100)).decide();
      Decision x = dead.at(s(100)).decide();
      assertThat(h.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(h.events()).isEmpty();
      assertThat(x.status().getReason()).isEqualTo(Reasons.HEARTBEAT_LOST);
    }
  }
}
