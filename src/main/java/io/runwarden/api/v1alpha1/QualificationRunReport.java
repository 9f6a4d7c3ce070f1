package io.runwarden.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The worker's channel of a run: one per {@link QualificationRun}, of the same name, created and
 * owned by the run.
 *
 * <p>Two writers, split by the status subresource so that RBAC, not the operator, keeps them apart
 * (the shape of Kubernetes' node Leases and Argo's WorkflowTaskResults):
 *
 * <ul>
 *   <li>{@code spec} is the operator's: the attempt open to workers and what it resumes from.
 *       Workers need no write access to the object itself.
 *   <li>{@code status} is the worker's report, written through {@code
 *       qualificationrunreports/status}. A claim replaces the whole status (nothing of an earlier
 *       attempt survives it), guarded by the resourceVersion the worker read; every later write
 *       tests {@code spec.attempt} and {@code status.worker}, so the API server refuses a zombie's
 *       write the moment a newer attempt is open.
 * </ul>
 *
 * Heartbeats land here, never on the run: watchers of runs see a run change only when something
 * about it changes.
 */
@Group(QualificationRun.GROUP)
@Version(QualificationRun.VERSION)
@Singular("qualificationrunreport")
@Plural("qualificationrunreports")
@ShortNames({"qreport", "qreports"})
@AdditionalPrinterColumn(
    name = "Open",
    jsonPath = ".spec.attempt",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Claimed",
    jsonPath = ".status.attempt",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Worker",
    jsonPath = ".status.worker",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Completed",
    jsonPath = ".status.completed",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Heartbeat",
    jsonPath = ".status.heartbeatAt",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Outcome",
    jsonPath = ".status.outcome",
    type = AdditionalPrinterColumn.Type.STRING)
public class QualificationRunReport extends CustomResource<QualificationRunReportSpec, WorkerReport>
    implements Namespaced {

  public static final String CRD_NAME = "qualificationrunreports." + QualificationRun.GROUP;
}
