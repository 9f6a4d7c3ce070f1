package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.Backoff;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.HeartbeatLoop;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.Kubectl;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle rules end to end: the operator in {@code @QuarkusTest}, a real API server, and test
 * workers that report through the status subresource like real ones. Short durations, and
 * Awaitility for every wait.
 */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class LifecycleIntegrationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private final KubernetesClient client = TestCluster.get().client();
  private String ns;
  private Runs runs;

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("lifecycle");
    runs = new Runs(client, ns);
  }

  @Test
  void workerClaimsReportsProgressAndSucceeds_kubectlWaitSeesIt() {
    create("happy", spec -> spec.getSpec().setTotal(10L));
    TestWorker worker = worker("happy", "w-1");
    int attempt = runs.awaitPhase("happy", Phase.Pending).getStatus().getAttempt();
    worker.claim();
    runs.awaitPhase("happy", Phase.Running);
    worker.heartbeat(attempt, 7L, "item=7");
    await()
        .atMost(WAIT)
        .until(() -> runs.get("happy").getStatus().getProgress().getSummary(), "7/10"::equals);
    assertThat(Kubectl.run("get", "qrun", "happy", "-n", ns).assertOk().stdout()).contains("7/10");

    worker.succeed(attempt, 10L);
    Kubectl.run("wait", "--for=condition=Succeeded", "qrun/happy", "-n", ns, "--timeout=30s")
        .assertOk();
    QualificationRun done = runs.get("happy");
    assertThat(done.getStatus().getPhase()).isEqualTo(Phase.Succeeded);
    assertThat(done.getStatus().getProgress().getPercent()).isEqualTo(100);
    assertThat(worker.report().getStatus().getOutcome())
        .as("the worker's report is still there: the operator never writes or removes it")
        .isEqualTo(Outcome.Succeeded);
  }

  @Test
  void heartbeatLostIsRetriedAndTheNextAttemptResumesFromTheCheckpoint() {
    create(
        "resume",
        r -> {
          r.getSpec().getTimeouts().setHeartbeat("2s");
          r.getSpec().setRetry(retry(2, "500ms"));
          r.getSpec().setTotal(100L);
        });
    TestWorker first = worker("resume", "w-1");
    runs.awaitPhase("resume", Phase.Pending);
    int attempt1 = first.claim();
    long reached;
    try (HeartbeatLoop loop = new HeartbeatLoop(first, attempt1, 300, 0, 5)) {
      await().atMost(WAIT).until(() -> completed("resume") >= 20);
      reached = loop.completed();
    } // worker 1 dies here

    QualificationRun retried =
        await().atMost(WAIT).until(() -> runs.get("resume"), r -> r.getStatus().getAttempt() == 2);
    assertThat(retried.getStatus().getAttempts())
        .first()
        .satisfies(a -> assertThat(a.getReason()).isEqualTo(Reasons.HEARTBEAT_LOST));
    assertThat(retried.getStatus().getCheckpoint()).startsWith("item=");
    long resumedFrom = Long.parseLong(retried.getStatus().getCheckpoint().substring(5));
    assertThat(resumedFrom).isBetween(20L, reached);
    // Events are sent off the reconcile thread: they follow the status they describe.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(eventReasons()).contains(Reasons.HEARTBEAT_LOST, Reasons.RETRY_STARTED));

    TestWorker second = worker("resume", "w-2");
    int attempt2 = second.claim();
    assertThat(attempt2).isEqualTo(2);
    second.succeed(attempt2, 100L);
    QualificationRun done = runs.awaitPhase("resume", Phase.Succeeded);
    assertThat(done.getStatus().getRetryCount()).isEqualTo(1);
    assertThat(Conditions.isTrue(done.getStatus().getConditions(), ConditionTypes.STUCK)).isFalse();
  }

  @Test
  void heartbeatsWithoutProgressAreStuckWithNoProgress() {
    create(
        "noprogress",
        r -> {
          r.getSpec().getTimeouts().setHeartbeat("5s");
          r.getSpec().getTimeouts().setProgress("2s");
          r.getSpec().setRetry(retry(0, "1s"));
        });
    TestWorker w = worker("noprogress", "w-1");
    runs.awaitPhase("noprogress", Phase.Pending);
    int attempt = w.claim();
    try (HeartbeatLoop loop = new HeartbeatLoop(w, attempt, 300, 3, 0)) {
      QualificationRun failed = runs.awaitPhase("noprogress", Phase.Failed);
      assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.RETRIES_EXHAUSTED);
      assertThat(failed.getStatus().getMessage()).contains("last cause: NoProgress");
      assertThat(Conditions.find(failed.getStatus().getConditions(), ConditionTypes.STUCK))
          .satisfies(
              c -> {
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo(Reasons.NO_PROGRESS);
              });
    }
  }

  @Test
  void retriesExhaustedFailsWithTheLastCause() {
    create(
        "exhausted",
        r -> {
          r.getSpec().getTimeouts().setStart("1s");
          r.getSpec().setRetry(retry(2, "200ms"));
        });
    QualificationRun failed = runs.awaitPhase("exhausted", Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.RETRIES_EXHAUSTED);
    assertThat(failed.getStatus().getMessage()).contains("last cause: StartTimeout");
    assertThat(failed.getStatus().getAttempts())
        .extracting(a -> a.getAttempt())
        .containsExactly(1, 2, 3);
    Kubectl.run("wait", "--for=condition=Failed", "qrun/exhausted", "-n", ns, "--timeout=5s")
        .assertOk();
  }

  @Test
  void theRunDeadlineBeatsAPendingRetryAndIsEnforcedWithinASecond() {
    create(
        "deadline",
        r -> {
          r.getSpec().getTimeouts().setRun("4s");
          r.getSpec().getTimeouts().setStart("1s");
          r.getSpec().setRetry(retry(5, "10s"));
        });
    QualificationRun retrying = runs.awaitPhase("deadline", Phase.Retrying);
    Instant timeoutAt = Instant.parse(retrying.getStatus().getTimeoutAt());
    assertThat(Instant.parse(retrying.getStatus().getNextRetryAt()))
        .as("backoff capped by the run deadline")
        .isEqualTo(timeoutAt);

    QualificationRun failed =
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> runs.get("deadline"), r -> r.getStatus().getPhase() == Phase.Failed);
    Instant seen = Instant.now();
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
    assertThat(failed.getStatus().getAttempt()).as("no retry started").isEqualTo(1);
    assertThat(Duration.between(timeoutAt, seen))
        .as("status written within 1 s after the deadline")
        .isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void suspendPausesTimersAndResumeRestartsThem() {
    create(
        "pause",
        r -> {
          r.getSpec().getTimeouts().setStart("2s");
          r.getSpec().setRetry(retry(0, "1s"));
        });
    runs.awaitPhase("pause", Phase.Pending);
    Kubectl.run(
            "patch", "qrun/pause", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}")
        .assertOk();
    runs.awaitPhase("pause", Phase.Suspended);
    // Well past the 2 s start limit while suspended: still Suspended, not failed.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> runs.get("pause").getStatus().getPhase() == Phase.Suspended);
    Kubectl.run(
            "patch", "qrun/pause", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":false}}")
        .assertOk();
    runs.awaitPhase("pause", Phase.Pending);
    QualificationRun failed = runs.awaitPhase("pause", Phase.Failed);
    assertThat(failed.getStatus().getMessage()).contains("StartTimeout");
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static RetryPolicy retry(int max, String initial) {
    RetryPolicy r = new RetryPolicy();
    r.setMaxRetries(max);
    Backoff b = new Backoff();
    b.setInitial(initial);
    b.setFactor(1.0);
    b.setMax("10s");
    r.setBackoff(b);
    return r;
  }

  private void create(String name, Consumer<QualificationRun> customize) {
    QualificationRun run = RunFixtures.run(name);
    run.getSpec().getTimeouts().setRun("2m");
    customize.accept(run);
    client.resource(run).inNamespace(ns).create();
  }

  private TestWorker worker(String run, String name) {
    return new TestWorker(client, ns, run, name);
  }

  private long completed(String name) {
    var status = runs.get(name).getStatus();
    return status.getProgress() == null || status.getProgress().getCompleted() == null
        ? 0
        : status.getProgress().getCompleted();
  }

  private java.util.List<String> eventReasons() {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .map(io.fabric8.kubernetes.api.model.Event::getReason)
        .toList();
  }
}
