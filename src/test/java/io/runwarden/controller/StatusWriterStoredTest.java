package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.api.v1alpha1.AttemptRecord;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.kube.DirectWrites;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The run the status writer hands the operator's cache, built from what it applied and the answer's
 * resourceVersion, is the run the real API server stores.
 */
class StatusWriterStoredTest {

  private static final DirectWrites.Collection RUNS =
      DirectWrites.collection(QualificationRun.class);

  private final KubernetesClient client = TestCluster.get().client();
  private final KubernetesSerialization json = client.getKubernetesSerialization();

  @Test
  void theRunBuiltFromTheApplyIsTheStoredRun() {
    String ns = TestCluster.get().newNamespace("stored");
    QualificationRun run = RunFixtures.run("built", ns);
    run.getMetadata().setLabels(Map.of("team", "scrapers"));
    run.getMetadata().setAnnotations(Map.of("runwarden.io/retry-now", "1"));
    QualificationRun created = client.resource(run).create();

    QualificationRunStatus status = new QualificationRunStatus();
    status.setPhase(Phase.Running);
    status.setAttempt(2);
    status.setTimeoutAt("2026-12-03T10:00:00.123456789Z");
    status.setCheckpoint("item-7");
    AttemptRecord first = new AttemptRecord();
    first.setAttempt(1);
    first.setReason("HeartbeatLost");
    status.setAttempts(List.of(first));
    status.setConditions(
        Conditions.set(
            null,
            "Running",
            true,
            "Claimed",
            "Worker w-2 claimed attempt 2.",
            created.getMetadata().getGeneration(),
            Instant.parse("2026-12-03T09:00:00Z")));
    QualificationRunStatus applied =
        json.convertValue(StatusWriter.normalized(json, status), QualificationRunStatus.class);
    QualificationRun apply = new QualificationRun();
    apply.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("built")
            .withNamespace(ns)
            .build());
    apply.setStatus(applied);

    String version =
        new DirectWrites(client)
            .sendForResourceVersion(
                "PATCH",
                RUNS.object(ns, "built", "status") + DirectWrites.forcedApply("runwarden-test"),
                DirectWrites.APPLY,
                json.asJson(apply));
    QualificationRun built = StatusWriter.stored(created, applied, version);

    QualificationRun stored =
        client.resources(QualificationRun.class).inNamespace(ns).withName("built").get();
    assertThat(version)
        .isEqualTo(stored.getMetadata().getResourceVersion())
        .isNotEqualTo(created.getMetadata().getResourceVersion());
    assertThat(withoutManagedFields(built)).isEqualTo(withoutManagedFields(stored));
  }

  private ObjectNode withoutManagedFields(QualificationRun run) {
    ObjectNode tree = json.convertValue(run, ObjectNode.class);
    ((ObjectNode) tree.get("metadata")).remove("managedFields");
    return tree;
  }
}
