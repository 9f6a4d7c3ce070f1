package io.runwarden.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.Backoff;
import io.runwarden.api.v1alpha1.ExternalServiceSpec;
import io.runwarden.api.v1alpha1.ExternalServiceSpec.OnUnreachable;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.FakeService;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.Kubectl;
import io.runwarden.testing.Readme;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The check before retrying, against a real HTTP server on loopback and the real API server. */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class ExternalServiceTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private final KubernetesClient client = TestCluster.get().client();
  private final FakeService service = new FakeService();
  private String ns;
  private Runs runs;

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("external");
    runs = new Runs(client, ns);
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void workThatCompletedExternallyIsNotDoneAgain() {
    service.state("job-1", "completed");
    startAndAbandon("done", service.url(), e -> {});
    QualificationRun run = runs.awaitPhase("done", Phase.Succeeded);
    assertThat(run.getStatus().getReason()).isEqualTo(Reasons.COMPLETED_EXTERNALLY);
    assertThat(run.getStatus().getAttempt()).as("no second attempt").isEqualTo(1);
    assertThat(run.getStatus().getExternalCheck().getResult()).isEqualTo("Completed");
    // Events are sent off the reconcile thread: they follow the status they describe.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(reasons()).contains(Reasons.COMPLETED_EXTERNALLY));
  }

  @Test
  void workStillRunningExternallyIsWaitedForThenSucceedsWithoutRetry() {
    service.state("job-1", "in_progress");
    startAndAbandon("slowbatch", service.url(), e -> {});
    await()
        .atMost(WAIT)
        .until(
            () -> runs.get("slowbatch").getStatus().getConditions(),
            c -> Conditions.isTrue(c, ConditionTypes.EXTERNAL_RUNNING));
    assertThat(runs.get("slowbatch").getStatus().getAttempt()).isEqualTo(1);
    service.state("job-1", "completed");
    QualificationRun run = runs.awaitPhase("slowbatch", Phase.Succeeded);
    assertThat(run.getStatus().getAttempt()).isEqualTo(1);
    assertThat(run.getStatus().getReason()).isEqualTo(Reasons.COMPLETED_EXTERNALLY);
  }

  @Test
  void failedExternallyIsRetriedAsUsual() {
    service.state("job-1", "failed");
    startAndAbandon("failedbatch", service.url(), e -> {});
    await().atMost(WAIT).until(() -> runs.get("failedbatch").getStatus().getAttempt() == 2);
  }

  @Test
  void unreachableServiceFollowsOnUnreachable() {
    String closed = "http://127.0.0.1:9/jobs/{serviceJobId}"; // discard port: nothing listens
    startAndAbandon("u-retry", closed, e -> e.setOnUnreachable(OnUnreachable.Retry));
    startAndAbandon("u-wait", closed, e -> e.setOnUnreachable(OnUnreachable.Wait));
    startAndAbandon("u-fail", closed, e -> e.setOnUnreachable(OnUnreachable.Fail));

    await().atMost(WAIT).until(() -> runs.get("u-retry").getStatus().getAttempt() == 2);
    QualificationRun failed = runs.awaitPhase("u-fail", Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.EXTERNAL_UNREACHABLE);
    assertThat(failed.getStatus().getExternalCheck().getMessage()).contains("unreachable");
    await()
        .atMost(WAIT)
        .until(
            () -> runs.get("u-wait").getStatus().getConditions(),
            c -> Conditions.isTrue(c, ConditionTypes.EXTERNAL_RUNNING));
    assertThat(runs.get("u-wait").getStatus().getAttempt()).isEqualTo(1);
  }

  @Test
  void aSlowServiceTimesOutAndOtherRunsAreReconciledMeanwhile() {
    service.state("job-1", "completed");
    service.slow();
    startAndAbandon("slowservice", service.url(), e -> e.setTimeout("1s"));
    await().atMost(WAIT).until(() -> !service.requests().isEmpty());
    Instant asked = Instant.now();
    // While the probe waits on the silent service, another run is accepted as usual.
    create("bystander", r -> {});
    runs.awaitPhase("bystander", Phase.Pending);

    QualificationRun retried =
        await()
            .atMost(WAIT)
            .until(() -> runs.get("slowservice"), r -> r.getStatus().getAttempt() == 2);
    assertThat(retried.getStatus().getExternalCheck().getResult()).isEqualTo("Unreachable");
    assertThat(retried.getStatus().getExternalCheck().getMessage()).contains("within 1s");
    assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void secretHeadersAreSentButNeverShown() {
    client.resource(RunFixtures.probeHeaders(ns, "llm-api", "Bearer s3cr3t-t0ken")).create();
    service.state("job-1", "completed");
    startAndAbandon(
        "authed",
        service.url(),
        e -> {
          var ref = new ExternalServiceSpec.SecretRef();
          ref.setName("llm-api");
          e.setSecretRef(ref);
        });
    runs.awaitPhase("authed", Phase.Succeeded);
    assertThat(service.requests())
        .anySatisfy(h -> assertThat(h.get("Authorization")).containsExactly("Bearer s3cr3t-t0ken"));
    String everything =
        Kubectl.run("get", "qrun", "authed", "-n", ns, "-o", "yaml").assertOk().stdout()
            + Kubectl.run("get", "events", "-n", ns, "-o", "yaml").assertOk().stdout();
    assertThat(everything).doesNotContain("s3cr3t");
  }

  /**
   * docs/no-work-done-twice.md ("Ask the service before retrying"): its block as written, but for
   * the service's address (the fake service's). While the service answers one of the block's
   * runningValues the run waits on attempt 1; when it answers completed the run succeeds without a
   * second attempt, the Secret's header sent with each question.
   */
  @Test
  void theDocumentedCheckWaitsWhileTheServiceRunsAndEndsTheRunWhenItCompletes() {
    String block =
        Readme.blocks("docs/no-work-done-twice.md", "Ask the service before retrying").get(0);
    ExternalServiceSpec documented = Readme.runWithSpec(block).getSpec().getExternalService();
    assertThat(documented.getStatusUrl())
        .isEqualTo("https://llm.example.com/v1/batches/{serviceJobId}");
    assertThat(documented.getRunningValues()).contains("finalizing");
    // The Secret as the block's comment asks for it: opted in by its annotation.
    client
        .resource(
            RunFixtures.probeHeaders(ns, documented.getSecretRef().getName(), "Bearer docs-token"))
        .create();
    documented.setStatusUrl(service.url());
    service.state("job-1", "finalizing");
    create("docs", r -> r.getSpec().setExternalService(documented));
    runs.awaitPhase("docs", Phase.Pending);
    TestWorker worker = new TestWorker(client, ns, "docs", "w-1");
    worker.reportServiceJob(worker.claim(), "job-1");

    await()
        .atMost(WAIT)
        .until(
            () -> runs.get("docs").getStatus().getConditions(),
            c -> Conditions.isTrue(c, ConditionTypes.EXTERNAL_RUNNING));
    assertThat(runs.get("docs").getStatus().getAttempt()).isEqualTo(1);
    service.state("job-1", "completed");
    QualificationRun run = runs.awaitPhase("docs", Phase.Succeeded);
    assertThat(run.getStatus().getReason()).isEqualTo(Reasons.COMPLETED_EXTERNALLY);
    assertThat(run.getStatus().getAttempt()).isEqualTo(1);
    assertThat(service.requests())
        .isNotEmpty()
        .allSatisfy(h -> assertThat(h.get("Authorization")).containsExactly("Bearer docs-token"));
  }

  @Test
  void aHostOnTheListThatIsNotAPublicAddressIsNeverCalled() {
    try (FakeService everywhere = FakeService.onEveryLoopbackAddress()) {
      everywhere.state("job-1", "completed");
      startAndAbandon("rebound", everywhere.urlVia("127.0.0.2"), e -> {});
      QualificationRun run =
          await()
              .atMost(WAIT)
              .until(() -> runs.get("rebound"), r -> r.getStatus().getAttempt() == 2);
      assertThat(run.getStatus().getExternalCheck().getResult()).isEqualTo("Unreachable");
      assertThat(run.getStatus().getExternalCheck().getMessage())
          .contains("127.0.0.2 is not a public address");
      assertThat(everywhere.requests()).as("never called").isEmpty();
    }
  }

  @Test
  void anEndlessAnswerIsCutOffAndEveryoneCarriesOn() {
    startAndAbandon("endless", service.endlessUrl(), e -> {});
    QualificationRun run =
        await().atMost(WAIT).until(() -> runs.get("endless"), r -> r.getStatus().getAttempt() == 2);
    assertThat(run.getStatus().getExternalCheck().getResult()).isEqualTo("Unknown");
    assertThat(run.getStatus().getExternalCheck().getMessage())
        .contains("larger than " + ExternalProbe.MAX_ANSWER + " bytes");
    create("after-endless", r -> {});
    runs.awaitPhase("after-endless", Phase.Pending);
  }

  @Test
  void whatTheServiceSaysIsRepeatedOnlyWhenItIsAConfiguredValue() {
    service.state("job-1", "AKIAIOSFODNN7EXAMPLE");
    startAndAbandon("leaky", service.url(), e -> {});
    QualificationRun run =
        await().atMost(WAIT).until(() -> runs.get("leaky"), r -> r.getStatus().getAttempt() == 2);
    assertThat(run.getStatus().getExternalCheck().getResult()).isEqualTo("Unknown");
    String everything =
        Kubectl.run("get", "qrun", "leaky", "-n", ns, "-o", "yaml").assertOk().stdout()
            + Kubectl.run("get", "events", "-n", ns, "-o", "yaml").assertOk().stdout();
    assertThat(everything).contains("none of the configured values").doesNotContain("AKIA");
  }

  @Test
  void aSecretThatDoesNotOptInIsNeverSent() {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("cloud-creds")
                .withNamespace(ns)
                .endMetadata()
                .withStringData(Map.of("Authorization", "Bearer n0t-f0r-y0u"))
                .build())
        .create();
    service.state("job-1", "completed");
    startAndAbandon(
        "borrower",
        service.url(),
        e -> {
          var ref = new ExternalServiceSpec.SecretRef();
          ref.setName("cloud-creds");
          e.setSecretRef(ref);
        });
    QualificationRun run =
        await()
            .atMost(WAIT)
            .until(() -> runs.get("borrower"), r -> r.getStatus().getAttempt() == 2);
    assertThat(run.getStatus().getExternalCheck().getResult()).isEqualTo("Unreachable");
    assertThat(run.getStatus().getExternalCheck().getMessage())
        .contains("runwarden.io/probe-headers");
    assertThat(service.requests()).as("nothing sent").isEmpty();
  }

  /**
   * Probes run off the reconcile threads, at most a few per namespace: a hundred runs whose service
   * hangs delay neither another namespace's deadline nor its probe. (Before, each hanging probe
   * held a reconcile thread for its whole timeout, and 80 of them made an unrelated run's deadline
   * fire 6.8 s late.)
   */
  @Test
  void aHundredHangingProbesDelayNoOtherTenantsDeadlineOrProbe() {
    service.state("job-1", "completed");
    service.slow();
    List<String> hanging = IntStream.range(0, 100).mapToObj(i -> "hang-" + i).toList();
    hanging.forEach(name -> startAndAbandon(name, service.url(), e -> e.setTimeout("10s")));
    await().atMost(WAIT).until(() -> service.requests().size() >= 8);

    String other = TestCluster.get().newNamespace("tenant-b");
    try (FakeService prompt = new FakeService()) {
      prompt.state("job-1", "completed");
      QualificationRun deadline = RunFixtures.run("deadline", other);
      deadline.getSpec().getTimeouts().setRun("3s");
      client.resource(deadline).create();
      QualificationRun asked = RunFixtures.run("asked", other);
      asked.getSpec().getTimeouts().setRun("2m");
      asked.getSpec().getTimeouts().setHeartbeat("1s");
      RetryPolicy retry = new RetryPolicy();
      Backoff backoff = new Backoff();
      backoff.setInitial("200ms");
      retry.setBackoff(backoff);
      asked.getSpec().setRetry(retry);
      ExternalServiceSpec e = new ExternalServiceSpec();
      e.setStatusUrl(prompt.url());
      asked.getSpec().setExternalService(e);
      client.resource(asked).create();
      await().atMost(WAIT).until(() -> phaseIn(other, "asked") == Phase.Pending);
      TestWorker worker = new TestWorker(client, other, "asked", "w-1");
      worker.reportServiceJob(worker.claim(), "job-1");

      QualificationRun failed =
          await()
              .atMost(WAIT)
              .pollInterval(Duration.ofMillis(50))
              .until(() -> getIn(other, "deadline"), r -> r.getStatus().getPhase() == Phase.Failed);
      Instant seen = Instant.now();
      Instant due = Instant.parse(failed.getStatus().getTimeoutAt());
      assertThat(Duration.between(due, seen))
          .as("the deadline is enforced on time while 100 probes hang")
          .isLessThan(Duration.ofSeconds(1));
      // Its probe does not queue behind the hanging namespace's ninety.
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> phaseIn(other, "asked") == Phase.Succeeded);
      assertThat(getIn(other, "asked").getStatus().getReason())
          .isEqualTo(Reasons.COMPLETED_EXTERNALLY);
    }
  }

  private QualificationRun getIn(String namespace, String name) {
    return client.resources(QualificationRun.class).inNamespace(namespace).withName(name).get();
  }

  private Phase phaseIn(String namespace, String name) {
    QualificationRun r = getIn(namespace, name);
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }

  /**
   * The abandoned worker speaks up while the operator waits on the service. The decision to retry
   * was made from the run before that report; the report lands first, the operator's write after
   * it, and the informer may hand the next reconcile the report's version, which lacks the retry.
   * The operator decides from its own write instead: the retry is neither undone nor repeated.
   * Whether the informer is behind at that moment is a race, so several runs go through it at once.
   */
  @Test
  void aLateReportFromTheAbandonedAttemptDuringTheCheckNeitherUndoesNorRepeatsTheRetry() {
    service.state("job-1", "failed");
    service.slow();
    Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
    List<String> runs = IntStream.range(0, 8).mapToObj(i -> "zombie-" + i).toList();
    try (Watch watch =
        client
            .resources(QualificationRun.class)
            .inNamespace(ns)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, QualificationRun run) {
                    if (run.getStatus() != null && run.getStatus().getAttempt() != null) {
                      attempts
                          .computeIfAbsent(
                              run.getMetadata().getName(), n -> new CopyOnWriteArrayList<>())
                          .add(run.getStatus().getAttempt());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      List<TestWorker> zombies =
          runs.stream()
              .map(name -> startAndAbandon(name, service.url(), e -> e.setTimeout("20s")))
              .toList();
      await().atMost(WAIT).until(() -> service.requests().size() == runs.size());
      zombies.forEach(zombie -> zombie.heartbeat(1, 5L, "item=5"));
      service.release();

      await()
          .atMost(WAIT)
          .until(() -> runs.stream().allMatch(r -> this.runs.get(r).getStatus().getAttempt() == 2));
      // An undoing write would follow at once; give it time to show, and the watch to deliver.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> runs.stream().allMatch(r -> this.runs.get(r).getStatus().getAttempt() == 2));
      assertThat(service.requests()).as("the service asked once per run").hasSize(runs.size());
      for (String run : runs) {
        assertThat(attempts.get(run)).as("%s, attempt in each version", run).isSorted();
        assertThat(attempts.get(run)).last().isEqualTo(2);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> retriesStarted().size() == runs.size());
      assertThat(retriesStarted())
          .as("one retry per run")
          .containsExactlyInAnyOrderElementsOf(runs);
    }
  }

  private List<String> retriesStarted() {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> Reasons.RETRY_STARTED.equals(e.getReason()))
        .map(e -> e.getInvolvedObject().getName())
        .toList();
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** A worker claims attempt 1, says it drives service job "job-1", then goes silent. */
  private TestWorker startAndAbandon(
      String name, String url, Consumer<ExternalServiceSpec> customize) {
    create(
        name,
        r -> {
          ExternalServiceSpec e = new ExternalServiceSpec();
          e.setStatusUrl(url);
          customize.accept(e);
          r.getSpec().setExternalService(e);
        });
    runs.awaitPhase(name, Phase.Pending);
    TestWorker worker = new TestWorker(client, ns, name, "w-1");
    int attempt = worker.claim();
    worker.reportServiceJob(attempt, "job-1");
    return worker;
  }

  private void create(String name, Consumer<QualificationRun> customize) {
    QualificationRun run = RunFixtures.run(name);
    QualificationRunSpec spec = run.getSpec();
    spec.getTimeouts().setRun("2m");
    spec.getTimeouts().setHeartbeat("1s");
    RetryPolicy retry = new RetryPolicy();
    retry.setMaxRetries(2);
    Backoff b = new Backoff();
    b.setInitial("200ms");
    b.setMax("1s");
    retry.setBackoff(b);
    spec.setRetry(retry);
    customize.accept(run);
    client.resource(run).inNamespace(ns).create();
  }

  private List<String> reasons() {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }
}
