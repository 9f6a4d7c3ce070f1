package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.T0;
import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.s;
import static io.runwarden.lifecycle.RunSimulator.standardRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Phase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A run's first decision: accepted with attempt 1, its deadline, its policy (rule: Acceptance). */
@Tag("pure")
class AcceptanceTest {

  @Test
  void newRunIsPendingWithAbsoluteDeadlineAndWakesAtTheStartLimit() {
    RunSimulator sim = standardRun();
    Decision d = sim.at(s(2)).decide();

    assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
    assertThat(d.status().getAttempt()).isEqualTo(1);
    assertThat(d.status().getRetryCount()).isZero();
    assertThat(d.status().getTimeoutAt()).isEqualTo("2026-01-01T01:00:00Z");
    assertThat(d.status().getObservedGeneration()).isEqualTo(1L);
    assertThat(d.wakeAt()).contains(T0.plus(s(2)).plus(m(1)));
    assertThat(sim.eventReasons()).containsExactly(Reasons.ACCEPTED);
    assertThat(Conditions.find(d.status().getConditions(), ConditionTypes.SUCCEEDED).getStatus())
        .isEqualTo("False");
  }

  @Test
  void deciding_again_without_news_changes_nothing_and_emits_nothing() {
    RunSimulator sim = standardRun();
    sim.decide();
    var before = sim.status();
    int events = sim.events.size();
    sim.after(s(5)).decide();
    assertThat(sim.events).hasSize(events);
    assertThat(sim.status().getConditions()).isEqualTo(before.getConditions());
  }

  @Test
  void invalidSpecFailsNamingTheField() {
    RunSimulator sim = new RunSimulator(spec -> spec.getTimeouts().setHeartbeat("0s"));
    Decision d = sim.decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(d.status().getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(d.status().getMessage()).contains("spec.timeouts.heartbeat");
    assertThat(d.wakeAt()).isEmpty();
  }

  @Test
  void malformedDurationThatBypassedTheSchemaIsInvalidSpec() {
    RunSimulator sim = new RunSimulator(spec -> spec.getTimeouts().setRun("ten minutes"));
    Decision d = sim.decide();
    assertThat(d.status().getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(d.status().getMessage()).contains("spec.timeouts.run").contains("ten minutes");
  }

  @Test
  void aJobNeedsExactlyOneOfTemplateAndTemplateRef() {
    var template = io.runwarden.testing.RunFixtures.template("x");
    record Case(
        io.fabric8.kubernetes.api.model.PodTemplateSpec template, String ref, String field) {}
    for (Case c :
        java.util.List.of(
            new Case(null, null, "spec.job.template: "),
            new Case(template, "scraper", "spec.job.templateRef: "),
            new Case(null, " ", "spec.job.templateRef.name: "),
            new Case(null, "scraper", null),
            new Case(template, null, null))) {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                var job = new io.runwarden.api.v1alpha1.AttemptJobSpec();
                job.setTemplate(c.template());
                job.setTemplateRef(
                    c.ref() == null ? null : new io.runwarden.api.v1alpha1.TemplateRef(c.ref()));
                spec.setJob(job);
              });
      Decision d = sim.decide();
      if (c.field() == null) {
        assertThat(d.status().getPhase()).as("%s", c).isEqualTo(Phase.Pending);
      } else {
        assertThat(d.status().getReason()).as("%s", c).isEqualTo(Reasons.INVALID_SPEC);
        assertThat(d.status().getMessage()).as("%s", c).startsWith(c.field());
      }
    }
  }

  @Test
  void aRunInTheOperatorsOwnNamespaceIsInvalidSpecAndOthersAreNot() {
    Lifecycle lifecycle =
        new Lifecycle(LifecycleDefaults.standard(), java.util.Optional.of("runwarden-system"));
    RunSimulator sim = new RunSimulator(spec -> {});
    sim.run.getMetadata().setNamespace("runwarden-system");
    Decision d = lifecycle.decide(sim.run, T0);
    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(d.status().getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(d.status().getMessage()).startsWith("metadata.namespace: ");

    sim.run.getMetadata().setNamespace("team-a");
    assertThat(lifecycle.decide(sim.run, T0).status().getPhase()).isEqualTo(Phase.Pending);
  }
}
