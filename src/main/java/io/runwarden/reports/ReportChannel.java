package io.runwarden.reports;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.api.v1alpha1.QualificationRunReportSpec;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.WorkerReport;
import io.runwarden.kube.DirectWrites;
import io.runwarden.kube.UidDelete;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.DurationParser;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The operator's side of the worker channel: each run's {@link QualificationRunReport}.
 *
 * <p>The operator writes only the report's spec: it creates the report when the run's first attempt
 * opens and rewrites the spec each time a new attempt opens (one write per attempt). It never
 * writes the report's status, which is the worker's; and it trusts a report only when the report is
 * owned by this very run (its UID: a report left behind by a deleted run of the same name, or made
 * by someone else, never counts) and its status was written for the attempt its spec opened.
 */
@ApplicationScoped
public class ReportChannel {

  private static final Logger LOG = Logger.getLogger(ReportChannel.class);

  private static final List<String> SPEC_FIELDS =
      List.of("attempt", "checkpoint", "completed", "serviceJobId", "heartbeatTimeout");

  private static final DirectWrites.Collection REPORTS =
      DirectWrites.collection(QualificationRunReport.class);

  private final KubernetesClient client;
  private final DirectWrites writes;

  public ReportChannel(KubernetesClient client) {
    this.client = client;
    this.writes = new DirectWrites(client);
  }

  /**
   * The worker's report to decide from, or null: only the run's own report, and only what was
   * written for the attempt that report opened. Whether that is the run's current attempt is the
   * decision core's fencing check.
   */
  public static WorkerReport reportOf(QualificationRun run, QualificationRunReport report) {
    if (report == null || !run.owns(report) || report.getSpec() == null) {
      return null;
    }
    WorkerReport r = report.getStatus();
    return r != null && Objects.equals(r.getAttempt(), report.getSpec().getAttempt()) ? r : null;
  }

  /** The spec the report should have for the decided status, if the run has an open attempt. */
  static Optional<QualificationRunReportSpec> desired(
      QualificationRunStatus next, Optional<Duration> heartbeatTimeout) {
    if (next.getAttempt() == null
        || next.getPhase() == null
        || next.getPhase().isTerminal()
        || Conditions.isTrue(next.getConditions(), ConditionTypes.QUEUED)) {
      // Nothing to claim: a queued run's attempt opens when it is admitted.
      return Optional.empty();
    }
    QualificationRunReportSpec spec = new QualificationRunReportSpec();
    spec.setAttempt(next.getAttempt());
    spec.setCheckpoint(next.getCheckpoint());
    Long completed = next.getProgress() == null ? null : next.getProgress().getCompleted();
    spec.setCompleted(completed == null || completed == 0 ? null : completed);
    spec.setServiceJobId(next.getServiceJobId());
    heartbeatTimeout.ifPresent(t -> spec.setHeartbeatTimeout(DurationParser.format(t)));
    return Optional.of(spec);
  }

  /**
   * Opens the decided attempt to workers: creates the run's report, or rewrites its spec when it
   * still offers an older attempt. The resume point is taken only when the attempt opens, so the
   * checkpoints an attempt reports while it runs never cost a write here.
   *
   * @param current the report as the informer has it (may be null or lag behind)
   */
  public void open(
      QualificationRun run,
      QualificationRunStatus next,
      QualificationRunReport current,
      Supplier<Optional<Duration>> heartbeatTimeout) {
    if (current != null
        && run.owns(current)
        && current.getSpec() != null
        && Objects.equals(current.getSpec().getAttempt(), next.getAttempt())) {
      return; // the usual case: the attempt is open already
    }
    Optional<QualificationRunReportSpec> wanted = desired(next, heartbeatTimeout.get());
    if (wanted.isEmpty()) {
      return;
    }
    QualificationRunReportSpec spec = wanted.get();
    if (current == null) {
      create(run, spec);
    } else if (!run.owns(current)) {
      replaceForeign(run, current, spec);
    } else {
      writeSpec(run, spec);
    }
  }

  private void create(QualificationRun run, QualificationRunReportSpec spec) {
    QualificationRunReport report = new QualificationRunReport();
    report.getMetadata().setName(run.getMetadata().getName());
    report.getMetadata().setNamespace(run.getMetadata().getNamespace());
    report.getMetadata().setOwnerReferences(List.of(owner(run)));
    report.setSpec(spec);
    try {
      // Once per attempt: sent as the run's status is (DirectWrites), the answer left unread.
      writes.send(
          "POST",
          REPORTS.in(run.getMetadata().getNamespace()),
          DirectWrites.JSON,
          client.getKubernetesSerialization().asJson(report));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // The informer had not shown it yet (a restart, a lagging watch): look at the real one.
      QualificationRunReport existing = client.resource(report).get();
      if (existing == null) {
        throw e;
      }
      if (!run.owns(existing)) {
        replaceForeign(run, existing, spec);
      } else if (existing.getSpec() == null
          || !Objects.equals(existing.getSpec().getAttempt(), spec.getAttempt())) {
        writeSpec(run, spec);
      }
    }
  }

  /**
   * A report of this name that the run does not own: left by a deleted run of the same name (the
   * garbage collector has not got to it) or made by someone else. It must never speak for this run,
   * so it is deleted (only that object: UID precondition) and the run's own made in its place.
   */
  private void replaceForeign(
      QualificationRun run, QualificationRunReport foreign, QualificationRunReportSpec spec) {
    LOG.infof(
        "%s/%s: report not owned by this run (owner %s): replaced",
        run.getMetadata().getNamespace(), run.getMetadata().getName(), ownerUids(foreign));
    UidDelete.delete(client, foreign, "qualificationrunreports");
    // Created by the next reconcile, once the informer has seen the deletion; creating it now
    // could meet the old object still being deleted.
  }

  private void writeSpec(QualificationRun run, QualificationRunReportSpec spec) {
    // A merge patch of the whole spec: what the new offer leaves out (no checkpoint to resume
    // from, say) must disappear, so every field is written, absent ones as null.
    ObjectNode offer = client.getKubernetesSerialization().convertValue(spec, ObjectNode.class);
    for (String field : SPEC_FIELDS) {
      if (!offer.has(field)) {
        offer.putNull(field);
      }
    }
    ObjectNode body = offer.objectNode();
    body.set("spec", offer);
    writes.send(
        "PATCH",
        REPORTS.object(run.getMetadata().getNamespace(), run.getMetadata().getName(), null),
        DirectWrites.MERGE,
        body.toString());
  }

  private static OwnerReference owner(QualificationRun run) {
    return new OwnerReferenceBuilder()
        .withApiVersion(run.getApiVersion())
        .withKind(run.getKind())
        .withName(run.getMetadata().getName())
        .withUid(run.getMetadata().getUid())
        .withController(true)
        .build();
  }

  private static String ownerUids(HasMetadata resource) {
    return resource.getMetadata().getOwnerReferences() == null
        ? "none"
        : resource.getMetadata().getOwnerReferences().stream()
            .map(OwnerReference::getUid)
            .toList()
            .toString();
  }
}
