package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.Kubectl;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator in {@code @QuarkusTest} against a real kube-apiserver, driven with kubectl. */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class FoundationTest {

  private final KubernetesClient client = TestCluster.get().client();
  private String ns;
  @jakarta.inject.Inject io.javaoperatorsdk.operator.Operator operator;
  @jakarta.inject.Inject KubernetesClient operatorClient;

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("foundation");
  }

  /**
   * The runs informer as the Quarkus extension built it lists in pages (a relist of 10,000 runs in
   * one response outlasted the request timeout on a saturated API server).
   */
  @Test
  void theRunsInformerListsInPages() {
    var controller =
        operator.getRegisteredController(QualificationRunReconciler.NAME).orElseThrow();
    assertThat(controller.getConfiguration().getInformerConfig().getInformerListLimit())
        .isEqualTo(QualificationRunReconciler.LIST_PAGE);
  }

  /**
   * The Operator SDK copies each run it hands a reconcile with the operator's client's
   * serialization: ours (token-buffer copies, our kinds registered), not Quarkus' default one.
   */
  @Test
  void theSdksCopiesOfRunsGoThroughTheTokenBuffer() {
    assertThat(operatorClient.getKubernetesSerialization())
        .isInstanceOf(io.runwarden.config.KubernetesClients.BufferCopies.class);
    QualificationRun run = RunFixtures.run("copied", ns);
    Object copy = operator.getConfigurationService().getResourceCloner().clone(run);
    assertThat(copy).isNotSameAs(run).isInstanceOf(QualificationRun.class);
  }

  /**
   * The operator's client took the configured request timeout into its {@code RequestTimeout}
   * interceptor (which puts it on each request for Vert.x): the configuration Fabric8's own second
   * timer reads carries zero, and requests still work.
   */
  @Test
  void theOperatorsClientBoundsRequestsWithOneTimer() {
    assertThat(operatorClient.getConfiguration().getRequestTimeout()).isZero();
    assertThat(operatorClient.namespaces().withName(ns).get()).isNotNull();
  }

  /**
   * The operator's client asks for an informer's first list of a collection from the watch cache
   * and for later lists from etcd, paged: the API server's watch cache ignores the page size, so
   * the first list of a three-run namespace with {@code limit=1} returns all three, the second one.
   */
  @Test
  void theOperatorsClientListsACollectionFromTheWatchCacheOnlyTheFirstTime() {
    for (String name : List.of("a", "b", "c")) {
      client.resource(RunFixtures.run(name, ns)).create();
    }
    String uri =
        operatorClient.getConfiguration().getMasterUrl()
            + "apis/runwarden.io/v1alpha1/namespaces/"
            + ns
            + "/qualificationruns?limit=1";
    assertThat(listed(uri).path("items").size()).as("from the watch cache, whole").isEqualTo(3);
    var second = listed(uri);
    assertThat(second.path("items").size()).as("from etcd, paged").isEqualTo(1);
    assertThat(second.path("metadata").path("continue").asText()).isNotBlank();
  }

  private com.fasterxml.jackson.databind.JsonNode listed(String uri) {
    var http = operatorClient.getHttpClient();
    try {
      String body =
          http.sendAsync(http.newHttpRequestBuilder().uri(uri).build(), String.class)
              .get(10, java.util.concurrent.TimeUnit.SECONDS)
              .body();
      return operatorClient
          .getKubernetesSerialization()
          .unmarshal(body, com.fasterxml.jackson.databind.JsonNode.class);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void exampleAppliedWithKubectlIsAcceptedWithConditionEventAndColumns() {
    Kubectl.run("apply", "-n", ns, "-f", "examples/qualification-run.yaml").assertOk();

    QualificationRun run =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    client
                        .resources(QualificationRun.class)
                        .inNamespace(ns)
                        .withName("llm-batch-42")
                        .get(),
                r -> r.getStatus() != null && r.getStatus().getPhase() != null);
    assertThat(run.getStatus().getPhase()).isEqualTo(Phase.Pending);
    assertThat(run.getStatus().getObservedGeneration())
        .isEqualTo(run.getMetadata().getGeneration());
    assertThat(run.getStatus().getAttempt()).isEqualTo(1);
    assertThat(run.getStatus().getTimeoutAt()).isNotBlank();
    assertThat(Conditions.find(run.getStatus().getConditions(), ConditionTypes.RUNNING))
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventReasons(ns), reasons -> reasons.contains(Reasons.ACCEPTED));

    String table = Kubectl.run("get", "qrun", "-n", ns).assertOk().stdout();
    assertThat(table.lines().findFirst().orElseThrow())
        .containsSubsequence(
            "NAME", "PHASE", "PROGRESS", "ATTEMPT", "QUEUE", "DEADLINE", "REASON", "AGE");
    assertThat(table).contains("llm-batch-42").contains("Pending").contains("Accepted");
  }

  @Test
  void kubectlExplainShowsFieldDescriptions() {
    String spec = Kubectl.run("explain", "qrun.spec").assertOk().stdout();
    assertThat(spec).contains("timeouts").contains("retry").contains("suspend");
    String heartbeat = Kubectl.run("explain", "qrun.spec.timeouts.heartbeat").assertOk().stdout();
    assertThat(heartbeat).contains("HeartbeatLost");
  }

  @Test
  void invalidRunIsRefusedByTheSchemaWithAClearMessage(@TempDir java.nio.file.Path dir)
      throws Exception {
    var file = java.nio.file.Files.createTempFile(dir, "bad-run", ".yaml");
    java.nio.file.Files.writeString(
        file,
        """
        apiVersion: runwarden.io/v1alpha1
        kind: QualificationRun
        metadata:
          name: bad-duration
        spec:
          timeouts:
            heartbeat: five minutes
          retry:
            maxRetries: -1
        """);
    Kubectl.Result result = Kubectl.run("apply", "-n", ns, "-f", file.toString());
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr())
        .contains("spec.timeouts.heartbeat")
        .contains("spec.retry.maxRetries");
    assertThat(
            client.resources(QualificationRun.class).inNamespace(ns).withName("bad-duration").get())
        .isNull();
  }

  @Test
  void aRunTheSchemaAcceptsButTheOperatorCannotHonourFailsAloneWithInvalidSpec() {
    // backoff.max shorter than backoff.initial passes the schema (each is a valid duration).
    var bad = RunFixtures.run("bad-backoff");
    bad.getSpec().setRetry(new io.runwarden.api.v1alpha1.RetryPolicy());
    bad.getSpec().getRetry().setBackoff(new io.runwarden.api.v1alpha1.Backoff());
    bad.getSpec().getRetry().getBackoff().setInitial("10m");
    bad.getSpec().getRetry().getBackoff().setMax("1m");
    client.resource(bad).inNamespace(ns).create();
    client.resource(RunFixtures.run("good")).inNamespace(ns).create();

    QualificationRun failed =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    client
                        .resources(QualificationRun.class)
                        .inNamespace(ns)
                        .withName("bad-backoff")
                        .get(),
                r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(failed.getStatus().getMessage()).contains("spec.retry.backoff.max");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> client.resources(QualificationRun.class).inNamespace(ns).withName("good").get(),
            r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Pending);
  }

  private List<String> eventReasons(String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }
}
