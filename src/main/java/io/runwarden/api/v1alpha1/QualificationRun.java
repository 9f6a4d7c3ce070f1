package io.runwarden.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One long batch run (an LLM qualification batch, a scraper, a pipeline) whose lifecycle Runwarden
 * keeps honest: deadline, liveness, retries and history live in its status.
 *
 * <p>Printer columns are declared here, in order, so {@code kubectl get qrun} always shows them the
 * same way.
 */
@Group(QualificationRun.GROUP)
@Version(QualificationRun.VERSION)
@Singular("qualificationrun")
@Plural("qualificationruns")
@ShortNames({"qrun", "qruns"})
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progress.summary",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Attempt",
    jsonPath = ".status.attempt",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Queue",
    jsonPath = ".status.queue.position",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Deadline",
    jsonPath = ".status.timeoutAt",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class QualificationRun extends CustomResource<QualificationRunSpec, QualificationRunStatus>
    implements Namespaced {

  public static final String GROUP = "runwarden.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "qualificationruns." + GROUP;

  /**
   * Whether this run is {@code resource}'s controlling owner, by UID: names, labels and annotations
   * can be copied by anyone who may create the object, and a run re-created under the same name is
   * another run.
   */
  public boolean owns(HasMetadata resource) {
    String uid = getMetadata().getUid();
    return uid != null
        && resource.getMetadata().getOwnerReferences() != null
        && resource.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> uid.equals(o.getUid()) && Boolean.TRUE.equals(o.getController()));
  }
}
