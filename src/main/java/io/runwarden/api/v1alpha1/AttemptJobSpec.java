package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.Map;

/**
 * Runs each attempt as a batch/v1 Job made from this template.
 *
 * <p>The template's schema is left open (x-kubernetes-preserve-unknown-fields) rather than
 * embedding the full PodSpec schema: that would make the CRD hundreds of kilobytes, too large for a
 * client-side {@code kubectl apply}. The API server validates the pod when the Job is created; a
 * template it refuses fails the run with reason InvalidSpec and the server's message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AttemptJobSpec {

  @JsonPropertyDescription(
      "Pod template (as in a Job's spec.template) for every attempt. Runwarden sets"
          + " restartPolicy Never, adds the runwarden.io/run and runwarden.io/attempt labels and the"
          + " RUNWARDEN_* environment variables (run, namespace, attempt, checkpoint, service job"
          + " id) to every container. Exactly one of template and templateRef.")
  @SchemaFrom(type = OpenObject.class)
  @PreserveUnknownFields
  private PodTemplateSpec template;

  @JsonPropertyDescription(
      "A PodTemplate in the run's namespace to make every attempt's pod from, instead of an inline"
          + " template: whoever may write PodTemplates there decides what runs. Read when each"
          + " attempt's Job is made. Exactly one of template and templateRef.")
  private TemplateRef templateRef;

  @JsonPropertyDescription("Extra labels for the attempt Jobs.")
  @Size(max = 32)
  private Map<String, String> labels;

  @JsonPropertyDescription(
      "Template (default): the pods run under the template's service account. OwnRun: the"
          + " operator makes a ServiceAccount, a Role that may only read this run and write its"
          + " report's status, and a RoleBinding, all named <run>-runwarden-worker and owned by the"
          + " run, and runs every attempt under it; the template must then name no service"
          + " account.")
  private WorkerAccess workerAccess;

  public PodTemplateSpec getTemplate() {
    return template;
  }

  public void setTemplate(PodTemplateSpec template) {
    this.template = template;
  }

  public TemplateRef getTemplateRef() {
    return templateRef;
  }

  public void setTemplateRef(TemplateRef templateRef) {
    this.templateRef = templateRef;
  }

  public WorkerAccess getWorkerAccess() {
    return workerAccess;
  }

  public void setWorkerAccess(WorkerAccess workerAccess) {
    this.workerAccess = workerAccess;
  }

  /** Whether the operator mints the attempt's credentials. */
  public boolean ownRunAccess() {
    return workerAccess == WorkerAccess.OwnRun;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  /** Schema stand-in: an object without declared properties. */
  static final class OpenObject {}
}
