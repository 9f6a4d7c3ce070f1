package io.runwarden.controller;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.config.RunwardenConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes the operator-owned part of a run's status, and only when it changed.
 *
 * <p>Server-side apply, without a resourceVersion precondition, under the operator's own field
 * manager: the applied object never contains {@code status.report}, so the operator never owns (and
 * never overwrites) the fields workers write, and a heartbeat landing between our read and our
 * write is not a conflict. The written object is handed to JOSDK's cache so the next reconcile
 * never decides from the status we just replaced.
 */
@ApplicationScoped
public class StatusWriter {

  private final KubernetesClient client;
  private final KubernetesSerialization serialization;
  private final String fieldManager;

  public StatusWriter(KubernetesClient client, RunwardenConfig config) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
    this.fieldManager = config.fieldManager();
  }

  public boolean changed(QualificationRun run, QualificationRunStatus next) {
    QualificationRunStatus current = run.getStatus();
    JsonNode before =
        current == null
            ? serialization.convertValue(new QualificationRunStatus(), JsonNode.class)
            : withoutReport(current);
    return !before.equals(withoutReport(next));
  }

  public void write(
      QualificationRun run, QualificationRunStatus next, Context<QualificationRun> ctx) {
    QualificationRun apply = new QualificationRun();
    apply.setMetadata(
        new ObjectMetaBuilder()
            .withName(run.getMetadata().getName())
            .withNamespace(run.getMetadata().getNamespace())
            .build());
    apply.setStatus(next);
    QualificationRun written =
        client
            .resource(apply)
            .subresource("status")
            .patch(
                new PatchContext.Builder()
                    .withPatchType(PatchType.SERVER_SIDE_APPLY)
                    .withFieldManager(fieldManager)
                    .withForce(true)
                    .build());
    ctx.eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(run), written, run);
  }

  private JsonNode withoutReport(QualificationRunStatus status) {
    var node =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            serialization.convertValue(status, JsonNode.class);
    node.remove("report");
    return node;
  }
}
