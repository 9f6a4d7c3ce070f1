package io.runwarden.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.api.v1alpha1.Timeouts;
import io.runwarden.execution.AttemptJobs;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The collector against the real API server. Retention is judged "as of" an instant the test passes
 * (days ahead), so nothing waits for a clock.
 */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class GarbageCollectionTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private final KubernetesClient client = TestCluster.get().client();
  @Inject RunCollector collector;
  private String ns;
  private Runs runs;

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("gc");
    runs = new Runs(client, ns);
  }

  @Test
  void expiredFinishedRunsGoWhileFreshAndUnfinishedOnesStayHoweverOld() {
    succeeded("s1", r -> {});
    failed("f1");
    create("running", r -> {});
    TestWorker w = new TestWorker(client, ns, "running", "w");
    runs.awaitPhase("running", Phase.Pending);
    w.claim();
    create("pending", r -> {});
    runs.awaitPhase("running", Phase.Running);
    Instant now = Instant.now();

    collector.sweep(now, false, 100);
    assertThat(names()).contains("s1", "f1", "running", "pending");

    sweepUntilGone(now.plus(Duration.ofDays(8)), "s1");
    assertThat(names()).contains("f1", "running", "pending");

    sweepUntilGone(now.plus(Duration.ofDays(31)), "f1");
    assertThat(names()).contains("running", "pending");

    collector.sweep(now.plus(Duration.ofDays(3650)), false, 100);
    assertThat(names()).containsExactlyInAnyOrder("running", "pending");
  }

  @Test
  void ttlAfterFinishedOverridesTheDefaults() {
    succeeded("short", r -> r.getSpec().setTtlAfterFinished("1h"));
    succeeded("default", r -> {});
    sweepUntilGone(Instant.now().plus(Duration.ofHours(2)), "short");
    assertThat(names()).containsExactly("default");
  }

  @Test
  void dryRunDeletesNothing() {
    succeeded("keepme", r -> {});
    RunCollector.Summary summary =
        collector.sweep(Instant.now().plus(Duration.ofDays(365)), true, 100);
    assertThat(summary.dryRun()).isTrue();
    assertThat(summary.deleted()).isZero();
    assertThat(names()).contains("keepme");
  }

  @Test
  void aRunRecreatedUnderTheSameNameSurvives() {
    succeeded("again", r -> {});
    QualificationRun old = runs.get("again");
    client.resource(old).delete();
    await().atMost(WAIT).until(() -> runs.get("again") == null);
    succeeded("again", r -> {}); // a new run of the same name, also finished
    String newUid = runs.get("again").getMetadata().getUid();
    assertThat(newUid).isNotEqualTo(old.getMetadata().getUid());

    // A sweep whose list still showed the old run (selected by name, old UID) must not delete it.
    RunCollector.Summary summary =
        collector.sweepCandidates(
            java.util.List.of(old), Instant.now().plus(Duration.ofDays(8)), false, 100);
    assertThat(summary.deleted()).isZero();
    assertThat(runs.get("again").getMetadata().getUid()).isEqualTo(newUid);
  }

  @Test
  void attemptJobsWhoseRunIsGoneAreRemoved() {
    succeeded("owner", r -> {});
    QualificationRun owner = runs.get("owner");
    Job orphan = job("orphan-1", "deleted-run", "00000000-0000-0000-0000-000000000000");
    Job owned = job("owner-1", "owner", owner.getMetadata().getUid());
    collector.sweep(Instant.now(), false, 100);
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(ns)
                .withName(orphan.getMetadata().getName())
                .get())
        .isNull();
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(ns)
                .withName(owned.getMetadata().getName())
                .get())
        .isNotNull();
  }

  // --- helpers -----------------------------------------------------------------------------------

  /**
   * Sweeps choose from the operator's informer cache, which may trail a run that finished a moment
   * ago; the collector is eventually consistent by design, so repeat the (idempotent) sweep.
   */
  private void sweepUntilGone(Instant asOf, String name) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              collector.sweep(asOf, false, 100);
              return runs.get(name) == null;
            });
  }

  private Job job(String name, String runName, String ownerUid) {
    return client
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(Map.of(AttemptJobs.LABEL_RUN, runName, AttemptJobs.LABEL_ATTEMPT, "1"))
                .withAnnotations(Map.of(AttemptJobs.ANNOTATION_RUN_NAME, runName))
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("runwarden.io/v1alpha1")
                        .withKind("QualificationRun")
                        .withName(runName)
                        .withUid(ownerUid)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withContainers(new ContainerBuilder().withName("w").withImage("x").build())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private void succeeded(String name, Consumer<QualificationRun> customize) {
    create(name, customize);
    runs.awaitPhase(name, Phase.Pending);
    TestWorker w = new TestWorker(client, ns, name, "w");
    w.succeed(w.claim(), 1);
    runs.awaitPhase(name, Phase.Succeeded);
  }

  private void failed(String name) {
    create(
        name,
        r -> {
          r.getSpec().getTimeouts().setStart("1s");
          r.getSpec().setRetry(new RetryPolicy());
          r.getSpec().getRetry().setMaxRetries(0);
        });
    runs.awaitPhase(name, Phase.Failed);
  }

  private void create(String name, Consumer<QualificationRun> customize) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    QualificationRunSpec spec = new QualificationRunSpec();
    spec.setTimeouts(new Timeouts());
    spec.getTimeouts().setRun("10m");
    run.setSpec(spec);
    customize.accept(run);
    client.resource(run).create();
  }

  private java.util.List<String> names() {
    return client.resources(QualificationRun.class).inNamespace(ns).list().getItems().stream()
        .map(r -> r.getMetadata().getName())
        .toList();
  }
}
