package io.runwarden.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.runwarden.api.v1alpha1.Backoff;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.api.v1alpha1.Timeouts;
import java.util.Map;

/**
 * Runs built in code, the way application teams create them from their own services: a name, an
 * empty spec and empty timeouts, for the test to fill in what it is about.
 */
public final class RunFixtures {

  private RunFixtures() {}

  public static QualificationRun run(String name) {
    return run(name, null);
  }

  /** A pod template with one container of {@code image}, as the smallest managed run has. */
  public static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder()
        .withNewSpec()
        .addNewContainer()
        .withName("w")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  public static QualificationRun run(String name, String namespace) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    QualificationRunSpec spec = new QualificationRunSpec();
    spec.setTimeouts(new Timeouts());
    run.setSpec(spec);
    return run;
  }

  /** {@code maxRetries} retries, each after a flat 1 s: a test's retries come at once. */
  public static RetryPolicy retry(int maxRetries) {
    RetryPolicy r = new RetryPolicy();
    r.setMaxRetries(maxRetries);
    Backoff b = new Backoff();
    b.setInitial("1s");
    b.setFactor(1.0);
    b.setMax("1s");
    r.setBackoff(b);
    return r;
  }

  /**
   * A Secret whose keys the external probe sends as headers: opted in by the annotation the docs
   * name (docs/no-work-done-twice.md), holding one Authorization header.
   */
  public static Secret probeHeaders(String namespace, String name, String authorization) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withAnnotations(Map.of("runwarden.io/probe-headers", "true"))
        .withNamespace(namespace)
        .endMetadata()
        .withStringData(Map.of("Authorization", authorization))
        .build();
  }
}
