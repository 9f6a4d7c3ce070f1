package io.runwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.TestCluster;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator's own client reads objects without managedFields; the API server keeps them. */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class WithoutManagedFieldsTest {

  @Inject KubernetesClient operatorClient;

  private final KubernetesClient testClient = TestCluster.get().client();

  @Test
  void operatorClientSkipsManagedFieldsTheServerStillHas() {
    String ns = TestCluster.get().newNamespace("managed-fields");
    QualificationRun run =
        testClient
            .getKubernetesSerialization()
            .unmarshal(
                """
                apiVersion: runwarden.io/v1alpha1
                kind: QualificationRun
                metadata: {name: trimmed, labels: {team: a}}
                spec: {total: 3}
                """,
                QualificationRun.class);
    testClient.resource(run).inNamespace(ns).create();
    // Written by the operator too: two field managers on the server.
    QualificationRun stored =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    testClient
                        .resources(QualificationRun.class)
                        .inNamespace(ns)
                        .withName("trimmed")
                        .get(),
                r -> r.getStatus() != null && r.getStatus().getPhase() != null);
    assertThat(stored.getMetadata().getManagedFields()).hasSizeGreaterThanOrEqualTo(2);

    QualificationRun seen =
        operatorClient.resources(QualificationRun.class).inNamespace(ns).withName("trimmed").get();
    assertThat(seen.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(seen.getMetadata().getAdditionalProperties()).doesNotContainKey("managedFields");
    assertThat(seen.getMetadata().getLabels()).containsEntry("team", "a");
    assertThat(seen.getMetadata().getUid()).isEqualTo(stored.getMetadata().getUid());
    assertThat(seen.getStatus().getPhase()).isEqualTo(stored.getStatus().getPhase());

    // Never sent either: what the operator's client writes carries none.
    assertThat(operatorClient.getKubernetesSerialization().asJson(stored))
        .doesNotContain("managedFields");
  }
}
