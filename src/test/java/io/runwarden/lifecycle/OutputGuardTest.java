package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.standardRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.ExternalCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The core's last line of defence: a message that still holds a control character when it leaves
 * the core (a rule that forgot to escape what it quotes) is escaped there, and one already escaped
 * passes as it is.
 */
@Tag("pure")
class OutputGuardTest {

  private static final String FORGED = "worker said: done\n2026-12-04 INFO forged line\u2028";
  private static final String SHOWN = "worker said: done\\n2026-12-04 INFO forged line\\u2028";

  @Test
  void everyMessageLeavingTheCoreIsControlFree() {
    RunSimulator sim = standardRun();
    Evaluation e =
        new Evaluation(sim.run, Inputs.NONE, RunSimulator.T0, LifecycleDefaults.standard());
    e.s.setMessage(FORGED);
    ExternalCheck check = new ExternalCheck();
    check.setMessage(FORGED);
    e.s.setExternalCheck(check);
    e.condition(ConditionTypes.AT_RISK, true, "Stalled", FORGED);
    e.warning("Stalled", FORGED);
    e.normal("Progress", "plain");

    Decision d = e.decision();

    assertThat(d.status().getMessage()).isEqualTo(SHOWN);
    assertThat(d.status().getExternalCheck().getMessage()).isEqualTo(SHOWN);
    assertThat(d.status().getConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getMessage()).isEqualTo(SHOWN));
    assertThat(d.events()).extracting(RunEvent::message).containsExactly(SHOWN, "plain");
  }

  @Test
  void textEscapedByItsRuleIsNotEscapedTwice() {
    RunSimulator sim = standardRun();
    Evaluation e =
        new Evaluation(sim.run, Inputs.NONE, RunSimulator.T0, LifecycleDefaults.standard());
    e.warning("Stalled", SHOWN);
    e.s.setMessage(SHOWN);

    Decision d = e.decision();

    assertThat(d.status().getMessage()).isEqualTo(SHOWN);
    assertThat(d.events()).extracting(RunEvent::message).containsExactly(SHOWN);
  }
}
