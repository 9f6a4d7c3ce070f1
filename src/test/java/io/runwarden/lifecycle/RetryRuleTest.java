package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.retry;
import static io.runwarden.lifecycle.RunSimulator.s;
import static io.runwarden.lifecycle.RunSimulator.standardRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.ResumePolicy;
import io.runwarden.api.v1alpha1.WorkerReport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Retrying: backoff, resuming from the checkpoint or restarting (rule: RetryRule). */
@Tag("pure")
class RetryRuleTest {

  @Test
  void backoffIsExponentialAndCapped() {
    RunPolicy p = RunPolicy.resolve(standardRun().run.getSpec(), LifecycleDefaults.standard());
    assertThat(p.backoff(0)).isEqualTo(s(10));
    assertThat(p.backoff(1)).isEqualTo(s(20));
    assertThat(p.backoff(2)).isEqualTo(s(40));
    assertThat(p.backoff(3)).isEqualTo(m(1));
    assertThat(p.backoff(100)).isEqualTo(m(1));
  }

  @Test
  void nextAttemptResumesFromTheLastCheckpoint() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.claim("w1").decide();
    sim.at(s(10)).heartbeat(40L);
    sim.report().setCheckpoint("page=40");
    sim.decide();
    sim.at(s(40)).decide(); // HeartbeatLost at 10 + 30
    assertThat(sim.status().getCheckpoint()).isEqualTo("page=40");
    Decision d = sim.at(s(50)).decide();
    assertThat(d.status().getAttempt()).isEqualTo(2);
    assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
    assertThat(d.status().getCheckpoint()).isEqualTo("page=40");
    assertThat(d.status().getProgress().getCompleted()).isEqualTo(40);
    assertThat(d.events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("resumes from the last checkpoint"));
    assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.STUCK)).isFalse();
  }

  @Test
  void restartPolicyStartsClean() {
    RunSimulator sim = standardRun();
    sim.run.getSpec().setResume(ResumePolicy.Restart);
    sim.decide();
    sim.claim("w1").decide();
    sim.at(s(10)).heartbeat(40L);
    sim.report().setCheckpoint("page=40");
    sim.decide();
    sim.at(s(40)).decide();
    Decision d = sim.at(s(50)).decide();
    assertThat(d.status().getCheckpoint()).isNull();
    assertThat(d.status().getProgress().getCompleted()).isZero();
    assertThat(d.events().get(0).message()).contains("starts from scratch");
  }

  @Test
  void reportsOfAStaleAttemptAreIgnored() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.at(m(1)).decide();
    sim.at(m(1).plus(s(10))).decide(); // attempt 2 pending
    WorkerReport zombie = new WorkerReport();
    zombie.setAttempt(1);
    zombie.setHeartbeatAt(sim.now.toString());
    zombie.setCompleted(99L);
    zombie.setOutcome(Outcome.Succeeded);
    sim.report = zombie;
    Decision d = sim.after(s(1)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
    assertThat(d.status().getAttempt()).isEqualTo(2);
    assertThat(d.status().getProgress().getCompleted()).isZero();
    // a report claiming a future attempt is not trusted either
    zombie.setAttempt(7);
    d = sim.after(s(1)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
  }

  @Test
  void backoffNeverPassesTheRunDeadline() {
    RunSimulator sim =
        new RunSimulator(
            spec -> {
              spec.getTimeouts().setRun("2m");
              spec.getTimeouts().setStart("1m30s");
              spec.setRetry(retry(5, "1m", 2.0, "10m"));
            });
    sim.decide();
    Decision d = sim.at(s(90)).decide(); // StartTimeout; backoff 1m would end at 2m30s
    assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
    assertThat(d.status().getNextRetryAt()).isEqualTo("2026-01-01T00:02:00Z");
    d = sim.at(m(2)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
    assertThat(d.status().getAttempt()).isEqualTo(1);
  }
}
