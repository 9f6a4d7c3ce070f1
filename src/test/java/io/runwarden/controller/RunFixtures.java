package io.runwarden.controller;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.Timeouts;

/** Runs built in code, the way application teams create them from their own services. */
final class RunFixtures {

  private RunFixtures() {}

  static QualificationRun run(String name) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).build());
    QualificationRunSpec spec = new QualificationRunSpec();
    spec.setTimeouts(new Timeouts());
    run.setSpec(spec);
    return run;
  }
}
