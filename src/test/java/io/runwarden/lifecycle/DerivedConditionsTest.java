package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.s;
import static io.runwarden.lifecycle.RunSimulator.standardRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The conditions that follow from the phase after every decision (rule: DerivedConditions):
 * Running, Succeeded and Failed mirror it; Stuck holds while a stuck attempt's run retries and
 * clears when the next attempt opens; AtRisk says "no projection" until there is one and clears
 * when the run ends.
 */
@Tag("pure")
class DerivedConditionsTest {

  private static Condition condition(RunSimulator sim, String type) {
    return Conditions.find(sim.status().getConditions(), type);
  }

  @Test
  void runningSucceededAndFailedMirrorThePhase() {
    RunSimulator sim = standardRun();
    sim.decide();
    assertThat(condition(sim, ConditionTypes.RUNNING).getStatus()).isEqualTo("False");

    sim.at(s(5)).claim("w1").decide();
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Running);
    assertThat(condition(sim, ConditionTypes.RUNNING).getStatus()).isEqualTo("True");
    assertThat(condition(sim, ConditionTypes.SUCCEEDED).getStatus()).isEqualTo("False");

    sim.at(s(10)).outcome(Outcome.Succeeded).decide();
    assertThat(condition(sim, ConditionTypes.RUNNING).getStatus()).isEqualTo("False");
    assertThat(condition(sim, ConditionTypes.SUCCEEDED).getStatus()).isEqualTo("True");
    assertThat(condition(sim, ConditionTypes.SUCCEEDED).getReason()).isEqualTo(Reasons.SUCCEEDED);
    assertThat(condition(sim, ConditionTypes.FAILED).getStatus()).isEqualTo("False");
  }

  @Test
  void stuckHoldsWhileTheRunRetriesAndClearsWhenTheNextAttemptOpens() {
    RunSimulator sim = standardRun();
    sim.decide();
    sim.at(s(5)).claim("w1").decide();

    sim.at(s(35)).decide(); // no heartbeat since 5 s, limit 30 s
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Retrying);
    assertThat(condition(sim, ConditionTypes.STUCK).getStatus()).isEqualTo("True");
    assertThat(condition(sim, ConditionTypes.STUCK).getReason()).isEqualTo(Reasons.HEARTBEAT_LOST);

    sim.at(s(40)).decide(); // still in backoff (10 s)
    assertThat(condition(sim, ConditionTypes.STUCK).getStatus()).isEqualTo("True");

    sim.at(s(45)).decide(); // backoff over: attempt 2 waits for a worker
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Pending);
    assertThat(condition(sim, ConditionTypes.STUCK).getStatus()).isEqualTo("False");
  }

  @Test
  void atRiskSaysNoProjectionUntilThereIsOneAndClearsWhenTheRunEnds() {
    RunSimulator sim = standardRun();
    sim.decide();
    Condition risk = condition(sim, ConditionTypes.AT_RISK);
    assertThat(risk.getStatus()).isEqualTo("False");
    assertThat(risk.getReason()).isEqualTo(Reasons.ON_TRACK);
    assertThat(risk.getMessage()).isEqualTo("No projection past the deadline.");

    sim.at(s(5)).claim("w1").outcome(Outcome.Failed);
    sim.report.setRetryable(false); // claimed and failed in one report: the run fails at once
    sim.decide();
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Failed);
    risk = condition(sim, ConditionTypes.AT_RISK);
    assertThat(risk.getStatus()).isEqualTo("False");
    assertThat(risk.getMessage()).isEqualTo("The run has finished.");
    assertThat(condition(sim, ConditionTypes.FAILED).getStatus()).isEqualTo("True");
  }
}
