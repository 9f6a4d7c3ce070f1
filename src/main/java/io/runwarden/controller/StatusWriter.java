package io.runwarden.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.config.RunwardenConfig;
import io.runwarden.kube.DirectWrites;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;

/**
 * Writes the operator-owned part of a run's status, and only when it changed.
 *
 * <p>Server-side apply, without a resourceVersion precondition, under the operator's own field
 * manager, sent without Fabric8's resource DSL ({@link DirectWrites}: the most frequent write). The
 * status is the operator's alone (workers report in the run's QualificationRunReport), so there is
 * nothing to merge with: a spec or annotation change landing between our read and our write is not
 * a conflict. The written object (built from what was applied and the answer's resourceVersion,
 * {@link #stored}) is handed to JOSDK's cache, and returned for {@link OwnWrites}, so the next
 * reconcile never decides from the status we just replaced.
 *
 * <p>Empty strings are left out of what is applied. They carry nothing in this status, and the
 * Kubernetes 1.20.2 API server the tests build from Debian's source stores an empty string in a
 * custom resource as null, which the schema then refuses: one empty worker id copied into the
 * attempt history would block every later status write of that run.
 */
@ApplicationScoped
public class StatusWriter {

  private static final DirectWrites.Collection RUNS =
      DirectWrites.collection(QualificationRun.class);

  private final DirectWrites writes;
  private final KubernetesSerialization serialization;
  private final String applyQuery;
  private final ApiLatency latency;

  public StatusWriter(
      KubernetesClient client, RunwardenConfig config, Clock clock, MeterRegistry registry) {
    this.writes = new DirectWrites(client);
    this.serialization = client.getKubernetesSerialization();
    this.applyQuery = DirectWrites.forcedApply(config.fieldManager());
    this.latency = new ApiLatency(clock);
    Gauge.builder("runwarden_liveness_grace_seconds", latency, l -> l.grace().toMillis() / 1000.0)
        .description(
            "Extra time on start, heartbeat and progress limits while the API server is slow to"
                + " accept writes (twice the slowest status write or confirming read of the last"
                + " minute, from 1 s)")
        .register(registry);
  }

  /** How long the API server takes to accept this operator's status writes. */
  ApiLatency latency() {
    return latency;
  }

  KubernetesSerialization serialization() {
    return serialization;
  }

  /**
   * Writes {@code next} unless it equals what is stored.
   *
   * @return the run as the API server stored it, if a write happened
   */
  public Optional<QualificationRun> writeIfChanged(
      QualificationRun run, QualificationRunStatus next, Context<QualificationRun> ctx) {
    QualificationRunStatus current = run.getStatus();
    JsonNode before = normalized(current == null ? new QualificationRunStatus() : current);
    JsonNode after = normalized(next);
    if (before.equals(after)) {
      return Optional.empty();
    }
    QualificationRun apply = new QualificationRun();
    apply.setMetadata(
        new ObjectMetaBuilder()
            .withName(run.getMetadata().getName())
            .withNamespace(run.getMetadata().getNamespace())
            .build());
    apply.setStatus(serialization.convertValue(after, QualificationRunStatus.class));
    String path =
        RUNS.object(run.getMetadata().getNamespace(), run.getMetadata().getName(), "status")
            + applyQuery;
    String body = serialization.asJson(apply);
    String version =
        latency.timed(() -> writes.sendForResourceVersion("PATCH", path, DirectWrites.APPLY, body));
    QualificationRun written = stored(run, apply.getStatus(), version);
    ctx.eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(run), written, run);
    return Optional.of(written);
  }

  /**
   * The run's status as the API server now stores it, without reading its answer: the status write
   * changes the status and the resourceVersion, nothing else. Its metadata and spec are the run's
   * as the operator read it, which the API server may have changed under the write (an annotation
   * set just before it); {@link OwnWrites#newest} therefore takes only the status from it. The
   * status is the one applied: the schema, generated from the same classes, prunes and defaults
   * nothing in it, and the operator's field manager owns it (a field someone wrote under another
   * manager, by hand, shows again when the watch brings the stored run, which replaces this one in
   * the operator's cache). The spec is shared with {@code run}, which no one changes (the code that
   * needs a part of it changed copies it first).
   */
  static QualificationRun stored(
      QualificationRun run, QualificationRunStatus applied, String resourceVersion) {
    QualificationRun stored = new QualificationRun();
    stored.setMetadata(
        new ObjectMetaBuilder(run.getMetadata()).withResourceVersion(resourceVersion).build());
    stored.setSpec(run.getSpec());
    stored.setStatus(applied);
    return stored;
  }

  private JsonNode normalized(QualificationRunStatus status) {
    return normalized(serialization, status);
  }

  /** The status as it is applied: no empty strings. */
  static JsonNode normalized(KubernetesSerialization serialization, QualificationRunStatus status) {
    ObjectNode node = serialization.convertValue(status, ObjectNode.class);
    dropEmptyStrings(node);
    return node;
  }

  private static void dropEmptyStrings(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object
          .properties()
          .removeIf(e -> e.getValue().isTextual() && e.getValue().asText().isEmpty());
      object.forEach(StatusWriter::dropEmptyStrings);
    } else if (node.isArray()) {
      node.forEach(StatusWriter::dropEmptyStrings);
    }
  }
}
