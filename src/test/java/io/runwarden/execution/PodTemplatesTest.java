package io.runwarden.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.lifecycle.AttemptObservation.State;
import io.runwarden.testing.RunFixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Inline templates, allowed or not (PodTemplate lookups are in ManagedExecutionTest). */
@Tag("pure")
class PodTemplatesTest {

  private static QualificationRun inline() {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace("team-a").build());
    QualificationRunSpec spec = new QualificationRunSpec();
    AttemptJobSpec job = new AttemptJobSpec();
    job.setTemplate(RunFixtures.template("x"));
    spec.setJob(job);
    run.setSpec(spec);
    return run;
  }

  @Test
  void anInlineTemplateIsUsedAsItIsWhenAllowed() {
    QualificationRun run = inline();
    PodTemplates.Resolved r = new PodTemplates(null, true).resolve(run);
    assertThat(r.refused()).isNull();
    assertThat(r.run()).isSameAs(run);
  }

  @Test
  void withInlineTemplatesOffAnInlineTemplateIsRefusedNamingTheField() {
    PodTemplates.Resolved r = new PodTemplates(null, false).resolve(inline());
    assertThat(r.run()).isNull();
    assertThat(r.refused().state()).isEqualTo(State.Rejected);
    assertThat(r.refused().detail())
        .startsWith("spec.job.template: ")
        .contains("spec.job.templateRef");
  }
}
