package io.runwarden.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.Backoff;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.api.v1alpha1.TemplateRef;
import io.runwarden.api.v1alpha1.Timeouts;
import io.runwarden.api.v1alpha1.WorkerAccess;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.FakeKubelet;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.Kubectl;
import io.runwarden.testing.Readme;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Managed mode against the real API server, the tests playing kubelet and Job controller. */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class ManagedExecutionTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private final KubernetesClient client = TestCluster.get().client();
  private final FakeKubelet kubelet = new FakeKubelet(client);
  private String ns;
  private Runs runs;

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("managed");
    runs = new Runs(client, ns);
  }

  @Test
  void attemptJobHasLabelsOwnerEnvAndLimitsAndItsCompletionSucceedsTheRun() {
    QualificationRun run = create("scrape", r -> {});
    Job job = awaitJob("scrape-1");

    assertThat(job.getMetadata().getLabels())
        .containsEntry(AttemptJobs.LABEL_RUN, "scrape")
        .containsEntry(AttemptJobs.LABEL_ATTEMPT, "1")
        .containsEntry("team", "scrapers");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo(run.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
            });
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isBetween(60L, 150L);
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    Map<String, String> env =
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsEntry("RUNWARDEN_RUN", "scrape")
        .containsEntry("RUNWARDEN_NAMESPACE", ns)
        .containsEntry("RUNWARDEN_ATTEMPT", "1")
        .containsEntry("USER_SETTING", "kept");

    var pod = kubelet.startPod(job);
    kubelet.running(pod);
    runs.awaitPhase("scrape", Phase.Running);
    kubelet.terminated(pod, 0, "done");
    kubelet.finishJob(job, true);
    QualificationRun done = runs.awaitPhase("scrape", Phase.Succeeded);
    assertThat(done.getStatus().getJobName()).isEqualTo("scrape-1");
    assertThat(client.batch().v1().jobs().inNamespace(ns).withName("scrape-1").get())
        .as("the finished Job of a finished run stays for its logs")
        .isNotNull();
  }

  @Test
  void failedJobIsRetriedAndAttempt2IsCreatedOnlyAfterAttempt1IsGone() {
    List<String> jobEvents = new CopyOnWriteArrayList<>();
    try (var watch =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Job job) {
                    jobEvents.add(action + " " + job.getMetadata().getName());
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      create("flaky", r -> {});
      Job first = awaitJob("flaky-1");
      var pod = kubelet.startPod(first);
      kubelet.running(pod);
      runs.awaitPhase("flaky", Phase.Running);
      kubelet.terminated(pod, 3, "rate limited by the portal");
      kubelet.finishJob(first, false);

      Job second = awaitJob("flaky-2");
      assertThat(second.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
          .extracting(EnvVar::getName)
          .contains("RUNWARDEN_ATTEMPT");
      QualificationRun retried =
          await()
              .atMost(WAIT)
              .until(
                  () -> runs.get("flaky"),
                  r ->
                      r.getStatus().getAttempt() == 2 && r.getStatus().getPhase() == Phase.Pending);
      assertThat(retried.getStatus().getProgress().getSummary())
          .as("a fresh attempt starts from 0")
          .isEqualTo("0");
      assertThat(retried.getStatus().getAttempts())
          .first()
          .satisfies(
              a -> {
                assertThat(a.getReason()).isEqualTo(Reasons.WORKER_FAILED);
              });
      assertThat(retried.getStatus().getLastErrorMessage())
          .contains("exited 3")
          .contains("rate limited by the portal");
      await().atMost(WAIT).until(() -> jobEvents.contains("ADDED flaky-2"));
      assertThat(jobEvents.indexOf("DELETED flaky-1"))
          .as("attempt 1's Job deleted before attempt 2's was created: %s", jobEvents)
          .isNotNegative()
          .isLessThan(jobEvents.indexOf("ADDED flaky-2"));
    }
  }

  @Test
  void anExitCodeListedAsNonRetryableFailsTheRunAtOnce() {
    create(
        "badarg",
        r -> {
          var retry = new io.runwarden.api.v1alpha1.RetryPolicy();
          retry.setMaxRetries(3);
          retry.setNonRetryableExitCodes(List.of(2, 42));
          r.getSpec().setRetry(retry);
        });
    Job job = awaitJob("badarg-1");
    var pod = kubelet.startPod(job);
    kubelet.running(pod);
    runs.awaitPhase("badarg", Phase.Running);
    kubelet.terminated(pod, 2, "unknown flag --modle");
    kubelet.finishJob(job, false);

    QualificationRun failed = runs.awaitPhase("badarg", Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.NON_RETRYABLE);
    assertThat(failed.getStatus().getMessage())
        .contains("exited 2")
        .contains("unknown flag --modle")
        .contains("Exit code 2 is in spec.retry.nonRetryableExitCodes");
    assertThat(failed.getStatus().getAttempt()).isEqualTo(1);
    assertThat(failed.getStatus().getRetryCount()).isZero();
  }

  @Test
  void anEvictedAttemptIsRetriedWithoutUsingTheRetryBudget() {
    create("evicted", r -> {});
    Job job = awaitJob("evicted-1");
    var pod = kubelet.startPod(job);
    kubelet.running(pod);
    runs.awaitPhase("evicted", Phase.Running);
    kubelet.evicted(pod, "The node was low on resource: memory.");
    kubelet.finishJob(job, false);

    awaitJob("evicted-2");
    QualificationRun retried =
        await()
            .atMost(WAIT)
            .until(
                () -> runs.get("evicted"),
                r -> r.getStatus().getAttempt() == 2 && r.getStatus().getPhase() == Phase.Pending);
    assertThat(retried.getStatus().getRetryCount()).as("the budget is untouched").isZero();
    assertThat(retried.getStatus().getDisruptions()).isEqualTo(1);
    assertThat(retried.getStatus().getAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a.getReason()).isEqualTo(Reasons.DISRUPTED));
    assertThat(retried.getStatus().getLastErrorMessage())
        .contains("Evicted")
        .contains("low on resource");
  }

  @Test
  void podStuckInImagePullBackOffIsAStartTimeoutWithTheReasonThenRetried() {
    create("badimage", r -> r.getSpec().getTimeouts().setStart("2s"));
    Job job = awaitJob("badimage-1");
    var pod = kubelet.startPod(job);
    kubelet.waiting(pod, "ImagePullBackOff", "Back-off pulling image \"registry.invalid/x:1\"");

    QualificationRun retried =
        await()
            .atMost(WAIT)
            .until(() -> runs.get("badimage"), r -> r.getStatus().getAttempt() == 2);
    assertThat(retried.getStatus().getAttempts())
        .first()
        .satisfies(a -> assertThat(a.getReason()).isEqualTo(Reasons.START_TIMEOUT));
    assertThat(retried.getStatus().getLastErrorMessage())
        .contains("ImagePullBackOff")
        .contains("registry.invalid/x:1");
    awaitJob("badimage-2");
    await()
        .atMost(WAIT)
        .until(
            () -> client.batch().v1().jobs().inNamespace(ns).withName("badimage-1").get() == null);
    assertThat(client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get())
        .as("the stuck pod of attempt 1 is deleted too")
        .isNull();
  }

  @Test
  void heartbeatsFromTheJobsWorkerAreHonouredWhenSent() {
    create("hb", r -> r.getSpec().getTimeouts().setHeartbeat("2s"));
    Job job = awaitJob("hb-1");
    var pod = kubelet.startPod(job);
    kubelet.running(pod);
    runs.awaitPhase("hb", Phase.Running);
    // No heartbeats yet: the pod is the liveness signal, so the run stays Running.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> runs.get("hb").getStatus().getPhase() == Phase.Running);
    // Once the worker claims the report and heartbeats, silence after that is HeartbeatLost.
    TestWorker worker = new TestWorker(client, ns, "hb", "pod");
    worker.claim();
    worker.heartbeat(1, 1L, null);
    QualificationRun stuck =
        await().atMost(WAIT).until(() -> runs.get("hb"), r -> r.getStatus().getRetryCount() == 1);
    assertThat(stuck.getStatus().getAttempts())
        .first()
        .satisfies(a -> assertThat(a.getReason()).isEqualTo(Reasons.HEARTBEAT_LOST));
  }

  @Test
  void aTemplateTheApiServerRefusesFailsTheRunWithInvalidSpec() {
    create(
        "refused",
        r ->
            r.getSpec()
                .getJob()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .setName("Not_A_DNS_Label"));
    QualificationRun failed = runs.awaitPhase("refused", Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(failed.getStatus().getMessage())
        .contains("spec.job.template")
        .contains("Not_A_DNS_Label");
  }

  @Test
  void deletingTheRunLeavesNoJobWithoutAnOwner() {
    create("gone", r -> {});
    Job job = awaitJob("gone-1");
    assertThat(job.getMetadata().getOwnerReferences())
        .extracting(o -> o.getName())
        .containsExactly("gone");
    // The garbage collector (kube-controller-manager) deletes owned Jobs; it does not run in this
    // test cluster, so ownership is what is checked here.
    client.resources(QualificationRun.class).inNamespace(ns).withName("gone").delete();
    await().atMost(WAIT).until(() -> runs.get("gone") == null);
    assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems())
        .allSatisfy(j -> assertThat(j.getMetadata().getOwnerReferences()).isNotEmpty());
  }

  @Test
  void aRunOfADeletedRunsNameReplacesItsLeftoverJobAndCredentials() {
    QualificationRun first = create("again", r -> r.getSpec().getJob().setWorkerAccess(OWN_RUN));
    Job old = awaitJob("again-1");
    String account = WorkerCredentials.name("again");
    assertThat(first.owns(client.serviceAccounts().inNamespace(ns).withName(account).get()))
        .isTrue();
    // No garbage collector runs here: the Job and credentials outlive their run, as they do on a
    // cluster whose collector is slow.
    client.resource(first).delete();
    await().atMost(WAIT).until(() -> runs.get("again") == null);

    QualificationRun second = create("again", r -> r.getSpec().getJob().setWorkerAccess(OWN_RUN));
    Job replaced =
        await()
            .atMost(WAIT)
            .until(
                () -> client.batch().v1().jobs().inNamespace(ns).withName("again-1").get(),
                j -> j != null && second.owns(j));
    assertThat(replaced.getMetadata().getUid()).isNotEqualTo(old.getMetadata().getUid());
    assertThat(second.owns(client.serviceAccounts().inNamespace(ns).withName(account).get()))
        .as("the earlier run's account is not inherited")
        .isTrue();
    assertThat(second.owns(client.rbac().roleBindings().inNamespace(ns).withName(account).get()))
        .isTrue();
  }

  @Test
  void ownRunAccessNeverUsesAnAccountTheRunDidNotMake() {
    String account = WorkerCredentials.name("borrowed");
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(account).endMetadata().build())
        .create();
    create("borrowed", r -> r.getSpec().getJob().setWorkerAccess(OWN_RUN));
    QualificationRun failed = runs.awaitPhase("borrowed", Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(failed.getStatus().getMessage())
        .contains("spec.job.workerAccess")
        .contains("ServiceAccount " + account);
    assertThat(client.batch().v1().jobs().inNamespace(ns).withName("borrowed-1").get()).isNull();
    assertThat(client.serviceAccounts().inNamespace(ns).withName(account).get())
        .as("left as it was")
        .satisfies(sa -> assertThat(sa.getMetadata().getOwnerReferences()).isEmpty());
  }

  @Test
  void ownRunAccessRefusesATemplateThatNamesAnAccount() {
    create(
        "named",
        r -> {
          r.getSpec().getJob().setWorkerAccess(OWN_RUN);
          r.getSpec().getJob().getTemplate().getSpec().setServiceAccountName("admin");
        });
    QualificationRun failed = runs.awaitPhase("named", Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(failed.getStatus().getMessage()).contains("job.template.spec.serviceAccountName");
    assertThat(client.batch().v1().jobs().inNamespace(ns).withName("named-1").get()).isNull();
  }

  // --- helpers -----------------------------------------------------------------------------------

  private static final WorkerAccess OWN_RUN = WorkerAccess.OwnRun;

  /**
   * docs/security.md, "Admin-owned templates", applied exactly as written: the attempt's pod is the
   * PodTemplate's, under the run's own account; a PodTemplate that is not there is InvalidSpec.
   */
  @Test
  void aRunNamingAPodTemplateRunsItsPodAndAMissingOneIsInvalidSpec(@TempDir Path dir)
      throws Exception {
    List<String> blocks =
        Readme.blocks("docs/security.md", "Managed mode: a run with a template is a pod");
    assertThat(blocks).hasSize(2);
    for (String block : blocks) {
      Path file = Files.createTempFile(dir, "doc", ".yaml");
      Files.writeString(file, block);
      Kubectl.run("apply", "-n", ns, "-f", file.toString()).assertOk();
    }
    Job job = awaitJob("portal-scrape-7-1");
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers())
        .singleElement()
        .satisfies(c -> assertThat(c.getImage()).isEqualTo("registry.example.com/scraper:1.4"));
    assertThat(pod.getServiceAccountName()).isEqualTo(WorkerCredentials.name("portal-scrape-7"));

    create(
        "no-template",
        r -> {
          r.getSpec().getJob().setTemplate(null);
          r.getSpec().getJob().setTemplateRef(new TemplateRef("nowhere"));
        });
    QualificationRun failed = runs.awaitPhase("no-template", Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(failed.getStatus().getMessage()).startsWith("spec.job.templateRef.name: ");
    assertThat(client.batch().v1().jobs().inNamespace(ns).withName("no-template-1").get()).isNull();
  }

  private QualificationRun create(String name, Consumer<QualificationRun> customize) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    QualificationRunSpec spec = new QualificationRunSpec();
    spec.setTimeouts(new Timeouts());
    spec.getTimeouts().setRun("1m");
    spec.getTimeouts().setStart("30s");
    RetryPolicy retry = new RetryPolicy();
    retry.setMaxRetries(2);
    Backoff backoff = new Backoff();
    backoff.setInitial("200ms");
    backoff.setMax("1s");
    retry.setBackoff(backoff);
    spec.setRetry(retry);
    AttemptJobSpec job = new AttemptJobSpec();
    job.setLabels(Map.of("team", "scrapers"));
    job.setTemplate(
        new PodTemplateSpecBuilder()
            .withNewSpec()
            .withContainers(
                new ContainerBuilder()
                    .withName("worker")
                    .withImage("example.org/scraper:1")
                    .withEnv(new EnvVar("USER_SETTING", "kept", null))
                    .build())
            .endSpec()
            .build());
    spec.setJob(job);
    run.setSpec(spec);
    customize.accept(run);
    return client.resource(run).create();
  }

  private Job awaitJob(String name) {
    return await()
        .atMost(WAIT)
        .until(
            () -> client.batch().v1().jobs().inNamespace(ns).withName(name).get(), j -> j != null);
  }
}
