package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.T0;
import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.s;
import static io.runwarden.lifecycle.RunSimulator.standardRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Phase;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Running: the heartbeat and attempt limits (rule: RunningRules). */
@Tag("pure")
class RunningRulesTest {

  @Nested
  class Heartbeats {
    /** While the API server is slow to accept writes, the limits get the shell's grace. */
    @Test
    void aSlowApiServerGraceDelaysHeartbeatLostByTheGraceAndNoMore() {
      RunSimulator sim = standardRun(); // heartbeat 30s
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      Inputs slow = Inputs.NONE.withLivenessGrace(s(8));
      Decision d = sim.at(s(5).plus(s(30)).plus(s(8)).minusMillis(1)).decide(slow);
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(43)));
      sim.at(s(43)).decide(slow);
      assertThat(sim.events).extracting(RunEvent::reason).contains(Reasons.HEARTBEAT_LOST);
      assertThat(sim.events)
          .anySatisfy(
              e ->
                  assertThat(e.message())
                      .contains("timeouts.heartbeat=30s, plus 8s while the API server is slow"));
    }

    /** A silent crowd's grace (CrowdSilence) works the same way and says why in the message. */
    @Test
    void aSilentCrowdsGraceNamesTheCrowdInTheMessage() {
      RunSimulator sim = standardRun(); // heartbeat 30s
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      CrowdSilence.Crowd crowd = new CrowdSilence.Crowd(8, 7, true);
      Inputs quiet = Inputs.NONE.withLivenessGrace(crowd.grace(s(30)), crowd.note());
      assertThat(sim.at(s(64)).decide(quiet).status().getPhase()).isEqualTo(Phase.Running);
      sim.at(s(65)).decide(quiet);
      assertThat(sim.events)
          .anySatisfy(
              e ->
                  assertThat(e.message())
                      .contains(
                          "timeouts.heartbeat=30s, plus 30s while 7 of 8 running runs in the"
                              + " namespace are silent at once"));
    }

    @Test
    void theStartLimitGetsTheGraceToo() {
      RunSimulator sim = standardRun(); // start 1m
      sim.decide();
      Inputs slow = Inputs.NONE.withLivenessGrace(s(20));
      assertThat(sim.at(m(1)).decide(slow).status().getAttempt()).isEqualTo(1);
      sim.at(m(1).plus(s(20))).decide(slow);
      assertThat(sim.events).extracting(RunEvent::reason).contains(Reasons.START_TIMEOUT);
    }

    @Test
    void claimMakesTheRunRunningAndFreshHeartbeatsKeepItSo() {
      RunSimulator sim = standardRun();
      sim.decide();
      Decision d = sim.at(s(5)).claim("w1").decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(35)));
      assertThat(sim.eventReasons()).containsExactly(Reasons.ACCEPTED, Reasons.CLAIMED);

      sim.at(s(30)).heartbeat(null);
      d = sim.at(s(35)).decide(); // the old deadline's wake-up finds a newer heartbeat
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(60)));
    }

    @Test
    void silenceExactlyAsLongAsTheLimitIsHeartbeatLostAndStuck() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      sim.at(s(10)).heartbeat(null);
      Decision d = sim.at(s(40)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
      assertThat(d.status().getReason()).isEqualTo(Reasons.HEARTBEAT_LOST);
      assertThat(d.status().getLastErrorMessage()).contains("No heartbeat").contains("00:00:10Z");
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.STUCK)).isTrue();
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.RUNNING)).isFalse();
    }

    @Test
    void aHeartbeatSlightlyAheadCountsAsNow() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      sim.at(s(30));
      sim.report().setHeartbeatAt(T0.plus(s(40)).toString()); // worker clock 10 s fast
      Decision d = sim.at(s(35)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(65)));
    }

    @Test
    void aHeartbeatFarInTheFutureIsNotTrustedAtAll() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(s(5)).claim("w1");
      sim.report().setHeartbeatAt(T0.plus(Duration.ofDays(1)).toString());
      Decision d = sim.decide();
      assertThat(d.wakeAt()).contains(T0.plus(s(35)));
      d = sim.at(s(35)).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.HEARTBEAT_LOST);
    }

    @Test
    void unparseableHeartbeatIsIgnoredNotFatal() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(s(5)).claim("w1");
      sim.report().setHeartbeatAt("yesterday-ish");
      Decision d = sim.decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(35)));
    }

    @Test
    void withoutAHeartbeatLimitASilentWorkerIsNotStuck() {
      RunSimulator sim =
          new RunSimulator(
              new LifecycleDefaults(
                  Duration.ofHours(1),
                  java.util.Optional.empty(),
                  m(1),
                  java.util.Optional.empty(),
                  java.util.Optional.empty(),
                  2,
                  s(10),
                  2,
                  m(1),
                  10,
                  s(15),
                  Duration.ofDays(365)),
              spec -> {});
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      Decision d = sim.at(m(50)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(Duration.ofHours(1)));
    }
  }

  @Nested
  class AttemptLimit {
    @Test
    void attemptLimitCountsFromTheClaim() {
      RunSimulator sim = standardRun();
      sim.run.getSpec().getTimeouts().setAttempt("2m");
      sim.run.getSpec().getTimeouts().setHeartbeat(null);
      sim.decide();
      Decision d = sim.at(s(50)).claim("w1").decide();
      assertThat(d.status().getAttemptTimeoutAt()).isEqualTo("2026-01-01T00:02:50Z");
      d = sim.at(m(2).plus(s(50))).heartbeat(1L).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.ATTEMPT_TIMED_OUT);
    }
  }
}
