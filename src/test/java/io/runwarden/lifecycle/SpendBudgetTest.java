package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.retry;
import static io.runwarden.lifecycle.RunSimulator.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.BudgetSpec;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** spec.budget: spend across attempts, BudgetAtRisk, BudgetExhausted (rule: SpendBudget). */
@Tag("pure")
class SpendBudgetTest {

  /** run 1h, heartbeat 30s, 3 retries after 10s; a budget of 1000 tokens, warn at 0.8. */
  private static RunSimulator run(BudgetSpec.OnExhausted onExhausted) {
    return new RunSimulator(
        spec -> {
          spec.getTimeouts().setRun("1h");
          spec.getTimeouts().setHeartbeat("30s");
          spec.setRetry(retry(3, "10s", 2.0, "1m"));
          BudgetSpec b = new BudgetSpec();
          b.setLimit(1000L);
          b.setUnit("tokens");
          b.setOnExhausted(onExhausted);
          spec.setBudget(b);
        });
  }

  private static void spends(RunSimulator sim, long attemptSpent) {
    sim.after(s(1)).heartbeat(null);
    sim.report.setSpent(attemptSpent);
    sim.decide();
  }

  /**
   * Past progressRefresh (15 s): spend alone is mirrored into the status no more often than
   * progress, like progress (the report holds the newest figure meanwhile, and every rule reads
   * it).
   */
  private static void mirrored(RunSimulator sim) {
    sim.after(s(16)).heartbeat(null).decide();
  }

  private static boolean atRisk(RunSimulator sim) {
    return Conditions.isTrue(sim.status().getConditions(), ConditionTypes.BUDGET_AT_RISK);
  }

  @Test
  void warnsAtEightyPercentOnceAndFailsAtTheLimit() {
    RunSimulator sim = run(null);
    sim.decide();
    assertThat(sim.status().getBudget().getSummary()).isEqualTo("0/1000 tokens");
    sim.after(s(1)).claim("w").decide();
    spends(sim, 500);
    mirrored(sim);
    assertThat(sim.status().getBudget().getSpent()).isEqualTo(500);
    assertThat(atRisk(sim)).isFalse();

    spends(sim, 800);
    assertThat(atRisk(sim)).isTrue();
    spends(sim, 900);
    assertThat(sim.eventReasons().stream().filter(Reasons.BUDGET_AT_RISK::equals))
        .as("one warning, not one per report")
        .hasSize(1);
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Running);

    spends(sim, 1000);
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(sim.status().getReason()).isEqualTo(Reasons.BUDGET_EXHAUSTED);
    assertThat(sim.status().getMessage()).contains("Spent 1000 of 1000 tokens (spec.budget.limit)");
    assertThat(sim.status().getBudget().getSummary()).isEqualTo("1000/1000 tokens");
    assertThat(sim.eventReasons()).contains(Reasons.BUDGET_EXHAUSTED);
  }

  @Test
  void anAttemptsSpendSurvivesTheRetryAndTheNextAttemptAddsToIt() {
    RunSimulator sim = run(null);
    sim.decide();
    sim.after(s(1)).claim("w").decide();
    spends(sim, 600);
    sim.after(s(31)).decide(); // heartbeat lost: retried
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Retrying);
    sim.at(Duration.between(RunSimulator.T0, Instant.parse(sim.status().getNextRetryAt())))
        .decide();
    assertThat(sim.status().getBudget().getSpentByEarlierAttempts()).isEqualTo(600);

    sim.after(s(1)).claim("w2").decide(); // a new report: attempt 2 counts from 0
    spends(sim, 300);
    mirrored(sim);
    assertThat(sim.status().getBudget().getSpent()).isEqualTo(900);
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Running);
    spends(sim, 400);
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(sim.status().getReason()).isEqualTo(Reasons.BUDGET_EXHAUSTED);
  }

  @Test
  void aWorkerCannotLowerWhatItHasSpent() {
    RunSimulator sim = run(null);
    sim.decide();
    sim.after(s(1)).claim("w").decide();
    spends(sim, 700);
    mirrored(sim);
    spends(sim, 0);
    mirrored(sim);
    assertThat(sim.status().getBudget().getSpent()).isEqualTo(700);
  }

  @Test
  void aFailedAttemptWithTheBudgetSpentIsNotRetried() {
    RunSimulator sim = run(null);
    sim.decide();
    sim.after(s(1)).claim("w").decide();
    sim.report.setSpent(1200L);
    sim.report.setError("rate limited");
    sim.after(s(1)).outcome(Outcome.Failed).decide();
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(sim.status().getReason()).isEqualTo(Reasons.BUDGET_EXHAUSTED);
    assertThat(sim.status().getRetryCount()).isZero();
  }

  @Test
  void suspendHoldsTheRunUntilTheLimitIsRaised() {
    RunSimulator sim = run(BudgetSpec.OnExhausted.Suspend);
    sim.decide();
    sim.after(s(1)).claim("w").decide();
    spends(sim, 1000);
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Suspended);
    assertThat(sim.status().getReason()).isEqualTo(Reasons.BUDGET_EXHAUSTED);
    assertThat(sim.status().getMessage()).contains("raise spec.budget.limit to resume");

    sim.after(s(120)).decide(); // heartbeat timer paused: not HeartbeatLost
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Suspended);

    sim.run.getSpec().getBudget().setLimit(2000L);
    sim.after(s(1)).heartbeat(null).decide();
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Running);
    assertThat(sim.status().getReason()).isEqualTo(Reasons.RESUMED);
    assertThat(sim.status().getBudget().getSummary()).isEqualTo("1000/2000 tokens");
    assertThat(atRisk(sim)).as("half the new limit").isFalse();
  }

  @Test
  void theRunDeadlineStillEndsASuspendedRun() {
    RunSimulator sim = run(BudgetSpec.OnExhausted.Suspend);
    sim.decide();
    sim.after(s(1)).claim("w").decide();
    spends(sim, 1000);
    sim.at(Duration.ofHours(1)).decide();
    assertThat(sim.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
  }
}
