package io.runwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs read by the operator's client share their equal short strings, and lose nothing. */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class SharedStringsTest {

  @Inject KubernetesClient operatorClient;

  private final KubernetesClient testClient = TestCluster.get().client();

  @Test
  void equalShortStringsAreOneInstanceAndLongOnesAreKeptWhole() {
    String ns = TestCluster.get().newNamespace("shared-strings");
    String longNote = "n".repeat(SharedStrings.MAX_SHARED_LENGTH + 1);
    for (String name : List.of("first", "second")) {
      QualificationRun run = RunFixtures.run(name, ns);
      run.getMetadata().setAnnotations(Map.of("note", longNote));
      testClient.resource(run).create();
    }
    List<QualificationRun> seen =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    operatorClient
                        .resources(QualificationRun.class)
                        .inNamespace(ns)
                        .list()
                        .getItems(),
                runs ->
                    runs.size() == 2
                        && runs.stream()
                            .allMatch(
                                r ->
                                    r.getStatus() != null
                                        && r.getStatus().getConditions() != null));
    QualificationRun first = seen.get(0);
    QualificationRun second = seen.get(1);

    assertThat(first.getMetadata().getNamespace()).isSameAs(second.getMetadata().getNamespace());
    Condition firstRunning = first.getStatus().getConditions().get(0);
    Condition secondRunning = second.getStatus().getConditions().get(0);
    assertThat(firstRunning.getType()).isEqualTo(secondRunning.getType());
    assertThat(firstRunning.getType()).isSameAs(secondRunning.getType());
    assertThat(firstRunning.getStatus()).isSameAs(secondRunning.getStatus());
    assertThat(firstRunning.getReason()).isSameAs(secondRunning.getReason());

    // Long values are read as they are, each its own copy.
    String firstNote = first.getMetadata().getAnnotations().get("note");
    String secondNote = second.getMetadata().getAnnotations().get("note");
    assertThat(firstNote).isEqualTo(longNote).isEqualTo(secondNote).isNotSameAs(secondNote);
  }
}
