package io.runwarden.execution;

import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.kube.ApiErrors;
import io.runwarden.lifecycle.AttemptObservation;
import io.runwarden.lifecycle.AttemptObservation.State;
import io.runwarden.lifecycle.InvalidSpecException;
import io.runwarden.lifecycle.RunPolicy;

/**
 * Where an attempt's pod comes from: the run's inline {@code spec.job.template}, or the PodTemplate
 * its {@code spec.job.templateRef} names in the run's namespace. With inline templates turned off
 * ({@code runwarden.job.inline-templates=false}), only PodTemplates can run, so RBAC on
 * PodTemplates decides what may run (docs/security.md).
 */
public class PodTemplates {

  /** The run to make the Job from (its template filled in), or why no Job can be made. */
  public record Resolved(QualificationRun run, AttemptObservation refused) {
    static Resolved of(QualificationRun run) {
      return new Resolved(run, null);
    }

    static Resolved refused(State state, String why) {
      return new Resolved(null, AttemptObservation.of(state, null, why));
    }
  }

  private final KubernetesClient client;
  private final boolean inlineAllowed;

  public PodTemplates(KubernetesClient client, boolean inlineAllowed) {
    this.client = client;
    this.inlineAllowed = inlineAllowed;
  }

  public Resolved resolve(QualificationRun run) {
    AttemptJobSpec job = run.getSpec().getJob();
    if (job.getTemplateRef() == null) {
      return inlineAllowed
          ? Resolved.of(run)
          : Resolved.refused(
              State.Rejected,
              "spec.job.template: inline templates are turned off by the operator"
                  + " (runwarden.job.inline-templates); name a PodTemplate in"
                  + " spec.job.templateRef");
    }
    String name = job.getTemplateRef().getName();
    String ns = run.getMetadata().getNamespace();
    PodTemplate found;
    try {
      found = client.resources(PodTemplate.class).inNamespace(ns).withName(name).get();
    } catch (KubernetesClientException e) {
      // Not the run's fault (the operator's RBAC, an API server in trouble): the attempt waits.
      String said = ApiErrors.said(e);
      return Resolved.refused(State.Waiting, "PodTemplate " + name + " could not be read: " + said);
    }
    if (found == null || found.getTemplate() == null) {
      return Resolved.refused(
          State.Rejected,
          "spec.job.templateRef.name: no PodTemplate " + name + " in namespace " + ns);
    }
    try {
      RunPolicy.templateChecks(found.getTemplate(), job.ownRunAccess(), "job.templateRef");
    } catch (InvalidSpecException e) {
      return Resolved.refused(State.Rejected, e.getMessage() + " (PodTemplate " + name + ")");
    }
    QualificationRun resolved = client.getKubernetesSerialization().clone(run);
    resolved.getSpec().getJob().setTemplate(found.getTemplate());
    return Resolved.of(resolved);
  }
}
