package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.Kubectl;
import io.runwarden.testing.Processes;
import io.runwarden.testing.Readme;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import io.runwarden.testing.UserShell;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's kubectl commands for people on call, against the real API server. */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class ManualActionsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private final KubernetesClient client = TestCluster.get().client();
  private String ns;
  private Runs runs;

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("manual");
    runs = new Runs(client, ns);
  }

  @Test
  void forceFailIsAppliedOnceEvenWhenTheAnnotationIsAppliedAgain() {
    create("stuckrun", Map.of());
    annotate("qrun/stuckrun", "runwarden.io/force-fail=portal is down");
    QualificationRun failed = runs.awaitPhase("stuckrun", Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.FORCE_FAILED);
    assertThat(failed.getStatus().getMessage()).contains("portal is down");
    assertThat(failed.getStatus().getRequests().getForceFail()).isEqualTo("portal is down");

    annotate("qrun/stuckrun", "runwarden.io/force-fail=portal is down"); // same value again
    settle();
    assertThat(count(Reasons.FORCE_FAILED)).isEqualTo(1);
    assertThat(count(Reasons.REQUEST_REFUSED)).isZero();
  }

  @Test
  void retryNowStartsANewAttemptOncePerValue() {
    create("slow", Map.of());
    TestWorker w = new TestWorker(client, ns, "slow", "w");
    runs.awaitPhase("slow", Phase.Pending);
    w.claim();
    runs.awaitPhase("slow", Phase.Running);

    annotate("qrun/slow", "runwarden.io/retry-now=1");
    await().atMost(WAIT).until(() -> runs.get("slow").getStatus().getAttempt() == 2);
    annotate("qrun/slow", "runwarden.io/retry-now=1");
    settle();
    assertThat(runs.get("slow").getStatus().getAttempt()).isEqualTo(2);
    assertThat(count(Reasons.MANUAL_RETRY)).isEqualTo(1);

    annotate("qrun/slow", "runwarden.io/retry-now=2");
    await().atMost(WAIT).until(() -> runs.get("slow").getStatus().getAttempt() == 3);
  }

  @Test
  void aFailedRunGetsOneExtraAttemptAndASucceededRunRefuses() {
    QualificationRun gaveup = RunFixtures.run("gaveup");
    gaveup.getSpec().getTimeouts().setRun("10m");
    gaveup.getSpec().getTimeouts().setStart("1s");
    gaveup.getSpec().setRetry(new RetryPolicy());
    gaveup.getSpec().getRetry().setMaxRetries(0);
    client.resource(gaveup).inNamespace(ns).create();
    runs.awaitPhase("gaveup", Phase.Failed);
    annotate("qrun/gaveup", "runwarden.io/retry-now=once-more");
    await().atMost(WAIT).until(() -> runs.get("gaveup"), r -> r.getStatus().getAttempt() == 2);
    assertThat(runs.get("gaveup").getStatus().getRequests().getManualRetries()).isEqualTo(1);

    create("fine", Map.of());
    TestWorker w = new TestWorker(client, ns, "fine", "w");
    runs.awaitPhase("fine", Phase.Pending);
    w.succeed(w.claim(), 1);
    runs.awaitPhase("fine", Phase.Succeeded);
    annotate("qrun/fine", "runwarden.io/retry-now=1");
    await().atMost(WAIT).until(() -> count(Reasons.REQUEST_REFUSED) == 1);
    assertThat(runs.get("fine").getStatus().getPhase()).isEqualTo(Phase.Succeeded);
  }

  @Test
  void aFloodOfRefusedRequestsIsOneEventObjectWithACount() {
    create("flooded", Map.of());
    TestWorker w = new TestWorker(client, ns, "flooded", "w");
    runs.awaitPhase("flooded", Phase.Pending);
    w.succeed(w.claim(), 1);
    runs.awaitPhase("flooded", Phase.Succeeded);
    annotate("qrun/flooded", "runwarden.io/retry-now=0");
    await().atMost(WAIT).until(() -> count(Reasons.REQUEST_REFUSED) == 1);
    for (int i = 1; i <= 40; i++) {
      String value = "flood-" + i;
      client
          .resources(QualificationRun.class)
          .inNamespace(ns)
          .withName("flooded")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"runwarden.io/retry-now\":\"" + value + "\"}}}");
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(runs.get("flooded").getStatus().getRequests().getRetryNow())
                    .isEqualTo("flood-40"));
    await().atMost(WAIT).until(() -> count(Reasons.REQUEST_REFUSED) > 1);
    settle();
    assertThat(
            client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> Reasons.REQUEST_REFUSED.equals(e.getReason())))
        .as("every refusal of the run is counted on one object")
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("Retry now refused"));
  }

  @Test
  void emergencyCleanupOverALabelSelector() {
    create("batch-a", Map.of("team", "scrapers"));
    create("batch-b", Map.of("team", "scrapers"));
    create("other", Map.of("team", "llm"));
    runs.awaitPhase("batch-a", Phase.Pending);
    runs.awaitPhase("batch-b", Phase.Pending);
    Kubectl.run(
            "annotate",
            "qrun",
            "-n",
            ns,
            "-l",
            "team=scrapers",
            "runwarden.io/force-fail=emergency cleanup",
            "--overwrite")
        .assertOk();
    runs.awaitPhase("batch-a", Phase.Failed);
    runs.awaitPhase("batch-b", Phase.Failed);
    assertThat(runs.get("other").getStatus().getPhase()).isEqualTo(Phase.Pending);
  }

  /**
   * README, "On call: manual actions with kubectl": its first block's lines as written, typed in
   * the run's namespace (they carry no -n), each doing what its comment says.
   */
  @Test
  void theReadmesOnCallLinesDoWhatTheirCommentsSay(@TempDir Path home) throws Exception {
    List<String> lines =
        Readme.commands(Readme.blocks("On call: manual actions with kubectl").get(0)).stream()
            .filter(l -> !l.startsWith("#"))
            .toList();
    assertThat(lines).hasSize(4);
    UserShell user = UserShell.in(home, ns);
    create("llm-batch-42", Map.of());
    TestWorker w = new TestWorker(client, ns, "llm-batch-42", "w");
    runs.awaitPhase("llm-batch-42", Phase.Pending);
    w.claim();
    runs.awaitPhase("llm-batch-42", Phase.Running);

    assertThat(lines.get(2)).contains("\"suspend\":true");
    typed(user, lines.get(2));
    runs.awaitPhase("llm-batch-42", Phase.Suspended);
    typed(user, lines.get(3));
    runs.awaitPhase("llm-batch-42", Phase.Running);

    assertThat(lines.get(1)).contains("runwarden.io/retry-now=\"$(date +%s)\"");
    typed(user, lines.get(1));
    await().atMost(WAIT).until(() -> runs.get("llm-batch-42").getStatus().getAttempt() == 2);
    long retried = Instant.now().getEpochSecond();

    assertThat(lines.get(0)).contains("force-fail=");
    typed(user, lines.get(0));
    QualificationRun failed = runs.awaitPhase("llm-batch-42", Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.FORCE_FAILED);
    assertThat(failed.getStatus().getMessage()).contains("portal down, stopping");

    // The retry line again (a new second, so a new value): a Failed run gets one extra attempt.
    await().atMost(WAIT).until(() -> Instant.now().getEpochSecond() > retried);
    typed(user, lines.get(1));
    await().atMost(WAIT).until(() -> runs.get("llm-batch-42").getStatus().getAttempt() == 3);
    assertThat(runs.get("llm-batch-42").getStatus().getRequests().getManualRetries()).isEqualTo(2);
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** A README line, typed by the user; it must succeed. */
  private static void typed(UserShell user, String line) {
    Processes.Result r = user.typed(line);
    assertThat(r.exit()).as("%s%n%s", line, r.out()).isZero();
  }

  private void annotate(String target, String annotation) {
    Kubectl.run("annotate", target, "-n", ns, annotation, "--overwrite").assertOk();
  }

  /** Several seconds with nothing new: long enough for any (wrong) second handling to show. */
  private void settle() {
    // Events are sent off the reconcile thread, so one may still land after the status: wait
    // until the count has not moved for 2 s.
    java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(-1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(8))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              long n =
                  client.v1().events().inNamespace(ns).list().getItems().stream()
                      .mapToLong(e -> e.getCount() == null ? 1 : e.getCount())
                      .sum();
              return last.getAndSet(n) == n;
            });
  }

  /** Occurrences of the reason: repeats on one run are one Event object with a count. */
  private long count(String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .mapToLong(e -> e.getCount() == null ? 1 : e.getCount())
        .sum();
  }

  private void create(String name, Map<String, String> labels) {
    QualificationRun run = RunFixtures.run(name);
    run.getMetadata().setLabels(labels);
    run.getSpec().getTimeouts().setRun("10m");
    client.resource(run).inNamespace(ns).create();
  }
}
