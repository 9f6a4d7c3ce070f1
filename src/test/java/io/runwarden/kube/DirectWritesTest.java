package io.runwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Writes without the resource DSL, against the real API server the build provisions. */
class DirectWritesTest {

  private static final DirectWrites.Collection RUNS =
      DirectWrites.collection(QualificationRun.class);
  private static final DirectWrites.Collection EVENTS = DirectWrites.collection(Event.class);

  private final KubernetesClient client = TestCluster.get().client();
  private final DirectWrites writes = new DirectWrites(client);
  private String ns;

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("direct");
  }

  @Test
  void pathsAreTheApiServersOwn() {
    assertThat(RUNS.object("team-a", "run-1", "status"))
        .isEqualTo("/apis/runwarden.io/v1alpha1/namespaces/team-a/qualificationruns/run-1/status");
    assertThat(EVENTS.in("team-a")).isEqualTo("/api/v1/namespaces/team-a/events");
    assertThat(DirectWrites.forcedApply("runwarden operator"))
        .isEqualTo("?fieldManager=runwarden+operator&force=true");
  }

  @Test
  void aStatusAppliedDirectlyIsStoredUnderItsFieldManagerAndReadBack() {
    QualificationRun created = client.resource(RunFixtures.run("applied", ns)).create();
    QualificationRun apply = statusOnly("applied", Phase.Running);

    String written = applyStatus("applied", client.getKubernetesSerialization().asJson(apply));

    QualificationRun stored =
        client.resources(QualificationRun.class).inNamespace(ns).withName("applied").get();
    assertThat(written)
        .isEqualTo(stored.getMetadata().getResourceVersion())
        .isNotEqualTo(created.getMetadata().getResourceVersion());
    assertThat(stored.getStatus().getPhase()).isEqualTo(Phase.Running);
    assertThat(stored.getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
        .contains(tuple("runwarden-test", "Apply"));
  }

  @Test
  void onlyTheAnswersResourceVersionIsRead() throws Exception {
    assertThat(
            version(
                "{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"42\"}}"))
        .isEqualTo("42");
    // Wherever metadata stands, whatever comes before it, nested or not.
    assertThat(
            version(
                "{\"status\":{\"metadata\":{\"resourceVersion\":\"1\"}},\"spec\":[1,{\"a\":2}],"
                    + "\"metadata\":{\"labels\":{\"resourceVersion\":\"3\"},\"resourceVersion\":\"7\"}}"))
        .isEqualTo("7");
    assertThat(version("{\"metadata\":{\"name\":\"a\"}}")).isNull();
    assertThat(version("{\"metadata\":{\"resourceVersion\":7}}")).isNull();
    assertThat(version("[]")).isNull();
  }

  private static String version(String json) throws Exception {
    return DirectWrites.resourceVersion(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The reconciler and the events' sender tell a refusal by its code, as from the DSL. */
  @Test
  void aRefusalIsTheExceptionTheDslThrows() {
    QualificationRun missing = statusOnly("missing", Phase.Running);
    String body = client.getKubernetesSerialization().asJson(missing);

    KubernetesClientException fromDsl =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                client
                    .resource(missing)
                    .subresource("status")
                    .patch(
                        new PatchContext.Builder()
                            .withPatchType(PatchType.SERVER_SIDE_APPLY)
                            .withFieldManager("runwarden-test")
                            .withForce(true)
                            .build()));
    KubernetesClientException direct =
        catchThrowableOfType(KubernetesClientException.class, () -> applyStatus("missing", body));

    assertThat(fromDsl.getCode()).isEqualTo(404);
    assertThat(direct.getCode()).isEqualTo(404);
    assertThat(direct.getStatus().getReason()).isEqualTo(fromDsl.getStatus().getReason());

    client.resource(RunFixtures.run("refused", ns)).create();
    String invalid =
        "{\"apiVersion\":\"runwarden.io/v1alpha1\",\"kind\":\"QualificationRun\","
            + "\"metadata\":{\"name\":\"refused\"},\"status\":{\"phase\":\"Sideways\"}}";
    assertThatThrownBy(() -> applyStatus("refused", invalid))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getStatus().getMessage()).contains("status.phase");
            });
  }

  @Test
  void anEventIsCreatedAndRaisedWithoutReadingTheAnswers() {
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName("run-1.accepted")
            .withNamespace(ns)
            .endMetadata()
            .withNewInvolvedObject()
            .withKind("QualificationRun")
            .withName("run-1")
            .withNamespace(ns)
            .endInvolvedObject()
            .withType("Normal")
            .withReason("Accepted")
            .withMessage("first")
            .withCount(1)
            .build();
    var json = client.getKubernetesSerialization();

    writes.send("POST", EVENTS.in(ns), DirectWrites.JSON, json.asJson(event));
    writes.send(
        "PATCH",
        EVENTS.object(ns, "run-1.accepted", null),
        DirectWrites.MERGE,
        json.asJson(new EventBuilder().withCount(2).withMessage("second").build()));

    // The report's creation tells "already there" (409) from other refusals by the code.
    assertThatThrownBy(
            () -> writes.send("POST", EVENTS.in(ns), DirectWrites.JSON, json.asJson(event)))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    Event stored = client.v1().events().inNamespace(ns).withName("run-1.accepted").get();
    assertThat(stored.getCount()).isEqualTo(2);
    assertThat(stored.getMessage()).isEqualTo("second");
    assertThat(stored.getReason()).isEqualTo("Accepted");
  }

  /**
   * A status applied as the operator's {@code StatusWriter} applies it: its new resourceVersion.
   */
  private String applyStatus(String name, String body) {
    return writes.sendForResourceVersion(
        "PATCH",
        RUNS.object(ns, name, "status") + DirectWrites.forcedApply("runwarden-test"),
        DirectWrites.APPLY,
        body);
  }

  private QualificationRun statusOnly(String name, Phase phase) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    QualificationRunStatus status = new QualificationRunStatus();
    status.setPhase(phase);
    run.setStatus(status);
    return run;
  }
}
