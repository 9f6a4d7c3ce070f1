package io.runwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.kube.NativeTlsClientFactory;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Which TLS the operator's client gets: BoringSSL when wanted and loaded, else the JDK's, and the
 * client works either way against the real API server.
 */
class KubernetesClientsTest {

  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close();
  }

  @Test
  void wantedAndLoadedIsBoringSsl() {
    HttpClient.Factory factory = KubernetesClients.httpClientFactory(true, Optional.empty(), VERTX);

    assertThat(factory).isInstanceOf(NativeTlsClientFactory.class);
    assertWorks(factory);
  }

  @Test
  void switchedOffIsTheJdksAndTheClientWorks() {
    HttpClient.Factory factory =
        KubernetesClients.httpClientFactory(false, Optional.empty(), VERTX);

    assertThat(factory).isNotInstanceOf(NativeTlsClientFactory.class);
    assertWorks(factory);
  }

  @Test
  void whereBoringSslDidNotLoadTheJdksIsUsedAndTheClientWorks() {
    HttpClient.Factory factory =
        KubernetesClients.httpClientFactory(
            true, Optional.of("no writable directory to unpack it into"), VERTX);

    assertThat(factory).isNotInstanceOf(NativeTlsClientFactory.class);
    assertWorks(factory);
  }

  @Test
  void watchEventsOfOurKindsAreReadAsTheirClassesInOnePass() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    String runEvent =
        "{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"runwarden.io/v1alpha1\","
            + "\"kind\":\"QualificationRun\",\"metadata\":{\"name\":\"r\",\"namespace\":\"n\"},"
            + "\"spec\":{\"total\":3},\"status\":{\"phase\":\"Running\",\"attempt\":2}}}";
    String reportEvent =
        "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"runwarden.io/v1alpha1\","
            + "\"kind\":\"QualificationRunReport\",\"metadata\":{\"name\":\"r-1\"},"
            + "\"spec\":{\"attempt\":2},\"status\":{\"attempt\":2,\"worker\":\"w\"}}}";
    // Fabric8's own reading, as its watch does it (the object is then converted a second time).
    assertThat(serialization.unmarshal(runEvent, WatchEvent.class).getObject())
        .isInstanceOf(GenericKubernetesResource.class);

    KubernetesClients.registerKinds(serialization);

    Object run = serialization.unmarshal(runEvent, WatchEvent.class).getObject();
    assertThat(run).isInstanceOf(QualificationRun.class);
    assertThat(((QualificationRun) run).getStatus().getAttempt()).isEqualTo(2);
    assertThat(((QualificationRun) run).getSpec().getTotal()).isEqualTo(3L);
    Object report = serialization.unmarshal(reportEvent, WatchEvent.class).getObject();
    assertThat(report).isInstanceOf(QualificationRunReport.class);
    assertThat(((QualificationRunReport) report).getStatus().getWorker()).isEqualTo("w");
  }

  @Test
  void copiesThroughTheTokenBufferAreFabric8sCopiesAndShareNothing() {
    KubernetesSerialization fabric8 = new KubernetesSerialization();
    KubernetesSerialization ours = new KubernetesClients.BufferCopies(new ObjectMapper());
    QualificationRun run = RunFixtures.run("r", "n");
    run.getMetadata().setLabels(new HashMap<>(Map.of("team", "a")));
    run.getSpec().setJob(new AttemptJobSpec());
    run.getSpec().getJob().setTemplate(RunFixtures.template("worker:1"));
    var worker = run.getSpec().getJob().getTemplate().getSpec().getContainers().get(0);
    worker.setResources(
        new ResourceRequirementsBuilder()
            .addToLimits("memory", new Quantity("512Mi"))
            .addToLimits("cpu", new Quantity("1.5"))
            .build());
    run.setStatus(new QualificationRunStatus());
    run.getStatus().setPhase(Phase.Running);
    run.getStatus().setAttempt(2);
    run.getStatus().setMessage("é \"quoted\" \u2028 line");
    run.getMetadata().setAdditionalProperty("unknownField", Map.of("n", 1.25));

    QualificationRun copy = ours.clone(run);

    assertThat(ours.asJson(copy)).isEqualTo(fabric8.asJson(fabric8.clone(run)));
    assertThat(copy).isNotSameAs(run);
    copy.getMetadata().getLabels().put("team", "b");
    copy.getStatus().setAttempt(3);
    assertThat(run.getMetadata().getLabels()).containsEntry("team", "a");
    assertThat(run.getStatus().getAttempt()).isEqualTo(2);
    GenericKubernetesResource generic =
        fabric8.unmarshal(
            "{\"apiVersion\":\"v1\",\"kind\":\"X\",\"metadata\":{\"name\":\"x\"},"
                + "\"spec\":{\"a\":[1,2.5,\"s\",null,{\"b\":true}]}}",
            GenericKubernetesResource.class);
    assertThat(ours.asJson(ours.clone(generic))).isEqualTo(fabric8.asJson(generic));
  }

  private static void assertWorks(HttpClient.Factory factory) {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withHttpClientFactory(factory)
            .withConfig(TestCluster.get().config())
            .build()) {
      assertThat(client.namespaces().withName("default").get()).isNotNull();
    }
  }
}
