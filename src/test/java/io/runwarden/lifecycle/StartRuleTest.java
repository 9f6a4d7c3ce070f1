package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.T0;
import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.s;
import static io.runwarden.lifecycle.RunSimulator.standardRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Pending: a worker must claim each attempt within timeouts.start (rule: StartRule). */
@Tag("pure")
class StartRuleTest {

  @Test
  void oneMilliBeforeTheLimitNothingHappens() {
    RunSimulator sim = standardRun();
    sim.decide();
    Decision d = sim.at(m(1).minusMillis(1)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
    assertThat(d.wakeAt()).contains(T0.plus(m(1)));
  }

  @Test
  void exactlyAtTheLimitTheAttemptEndsAndARetryIsScheduled() {
    RunSimulator sim = standardRun();
    sim.decide();
    Decision d = sim.at(m(1)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
    assertThat(d.status().getReason()).isEqualTo(Reasons.START_TIMEOUT);
    assertThat(d.status().getRetryCount()).isEqualTo(1);
    assertThat(d.status().getNextRetryAt()).isEqualTo("2026-01-01T00:01:10Z");
    assertThat(d.wakeAt()).contains(T0.plus(m(1)).plus(s(10)));
    assertThat(d.status().getAttempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getAttempt()).isEqualTo(1);
              assertThat(a.getOutcome()).isEqualTo(Outcome.Failed);
              assertThat(a.getReason()).isEqualTo(Reasons.START_TIMEOUT);
            });
    assertThat(sim.last.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(RunEvent.Type.Warning);
              assertThat(e.message()).contains("Retry 1/2 starts at 2026-01-01T00:01:10Z");
            });
  }

  @Test
  void aWorkersNameIsRepeatedEscaped() {
    RunSimulator sim = standardRun();
    sim.decide();
    Decision d = sim.at(s(5)).claim("w-1\n2026-12-04 ERROR forged line").decide();
    assertThat(d.status().getReason()).isEqualTo(Reasons.CLAIMED);
    assertThat(d.status().getMessage())
        .contains("w-1\\n2026-12-04 ERROR forged line")
        .doesNotContain("\n");
    assertThat(d.events()).allSatisfy(e -> assertThat(e.message()).doesNotContain("\n"));
  }
}
