package io.runwarden.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.Reasons;
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
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One active run per key, against the real API server. */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class ConcurrencyKeyTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private final KubernetesClient client = TestCluster.get().client();
  private String ns;
  private Runs runs;

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("keys");
    runs = new Runs(client, ns);
  }

  @Test
  void forbidQueuesLaterRunsAndStartsThemInCreationOrder() {
    create("a", ConcurrencySpec.Policy.Forbid);
    awaitAdmitted("a");
    create("b", ConcurrencySpec.Policy.Forbid);
    create("c", ConcurrencySpec.Policy.Forbid);
    QualificationRun b = awaitQueued("b");
    assertThat(b.getStatus().getMessage()).contains("run a").contains("portal-acme");
    awaitQueued("c");

    finish("a");
    awaitAdmitted("b");
    assertThat(queued(runs.get("c"))).as("c still waits: b is older").isTrue();
    finish("b");
    awaitAdmitted("c");
  }

  /** docs/no-work-done-twice.md ("N active runs per key"): its block as written, on three runs. */
  @Test
  void withLimitTwoTwoRunAndTheThirdShowsPositionOneInKubectlGet() {
    String block = Readme.blocks("docs/no-work-done-twice.md", "N active runs per key").get(0);
    ConcurrencySpec documented = Readme.runWithSpec(block).getSpec().getConcurrency();
    assertThat(documented.getLimit()).isEqualTo(2);
    create("one", documented);
    create("two", documented);
    awaitAdmitted("one");
    awaitAdmitted("two");
    create("three", documented);
    QualificationRun third = awaitQueued("three");
    assertThat(third.getStatus().getQueue().getPosition()).isEqualTo(1);
    assertThat(third.getStatus().getQueue().getHolders()).containsExactly("one", "two");
    assertThat(third.getStatus().getMessage()).contains("Position 1").contains("one, two");
    String table = Kubectl.run("get", "qrun", "-n", ns).assertOk().stdout();
    assertThat(table.lines().filter(l -> l.startsWith("three")).findFirst().orElseThrow())
        .as("the Queue column:\n" + table)
        .matches("three\\s+Pending\\s+(\\S+\\s+)?1\\s+1\\s+.*");
    assertThat(table.lines().findFirst().orElseThrow()).contains("QUEUE");

    finish("one");
    QualificationRun started = awaitAdmitted("three");
    assertThat(started.getStatus().getQueue()).as("cleared once admitted").isNull();
  }

  @Test
  void replaceFailsTheOlderRunFirstThenStartsTheNewOne() {
    create("old", ConcurrencySpec.Policy.Replace);
    awaitAdmitted("old");
    new TestWorker(client, ns, "old", "w").claim();
    create("new", ConcurrencySpec.Policy.Replace);

    QualificationRun old =
        await()
            .atMost(WAIT)
            .until(() -> runs.get("old"), r -> r.getStatus().getPhase() == Phase.Failed);
    assertThat(old.getStatus().getReason()).isEqualTo(Reasons.REPLACED);
    assertThat(old.getStatus().getMessage()).contains("new");
    QualificationRun fresh = awaitAdmitted("new");
    Instant admittedAt =
        Instant.parse(
            Conditions.find(fresh.getStatus().getConditions(), ConditionTypes.QUEUED)
                .getLastTransitionTime());
    assertThat(admittedAt).isAfterOrEqualTo(Instant.parse(old.getStatus().getCompletedAt()));
  }

  @Test
  void runsCreatedAtTheSameTimeNeverHoldTheKeyTogether() throws Exception {
    var pool = Executors.newFixedThreadPool(6);
    try {
      var futures =
          IntStream.range(0, 6)
              .mapToObj(i -> pool.submit(() -> create("burst-" + i, ConcurrencySpec.Policy.Forbid)))
              .toList();
      for (var f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
    await().atMost(WAIT).until(() -> runs().stream().allMatch(r -> r.getStatus() != null));
    // Watch a while: never two admitted, active runs.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(6))
        .until(() -> activeAdmitted().size() == 1);
    for (int done = 0; done < 5; done++) {
      String holder = activeAdmitted().get(0);
      finish(holder);
      await()
          .atMost(WAIT)
          .until(() -> activeAdmitted().size() == 1 && !activeAdmitted().contains(holder));
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  private QualificationRun create(String name, ConcurrencySpec.Policy policy) {
    return create(name, policy, null);
  }

  private QualificationRun create(String name, ConcurrencySpec.Policy policy, Integer limit) {
    ConcurrencySpec c = new ConcurrencySpec();
    c.setKey("portal-acme");
    c.setPolicy(policy);
    c.setLimit(limit);
    return create(name, c);
  }

  private QualificationRun create(String name, ConcurrencySpec concurrency) {
    QualificationRun run = RunFixtures.run(name, ns);
    QualificationRunSpec spec = run.getSpec();
    spec.getTimeouts().setRun("5m");
    spec.setConcurrency(concurrency);
    return client.resource(run).create();
  }

  /** The holder's worker claims and finishes. */
  private void finish(String name) {
    TestWorker w = new TestWorker(client, ns, name, "w-" + name);
    int attempt = w.claim();
    w.succeed(attempt, 1);
    await().atMost(WAIT).until(() -> runs.get(name).getStatus().getPhase() == Phase.Succeeded);
  }

  private List<QualificationRun> runs() {
    return client.resources(QualificationRun.class).inNamespace(ns).list().getItems();
  }

  private List<String> activeAdmitted() {
    return runs().stream()
        .filter(r -> r.getStatus() != null && r.getStatus().getPhase() != null)
        .filter(r -> !r.getStatus().getPhase().isTerminal() && !queued(r))
        .map(r -> r.getMetadata().getName())
        .toList();
  }

  private static boolean queued(QualificationRun r) {
    return Conditions.isTrue(r.getStatus().getConditions(), ConditionTypes.QUEUED);
  }

  private QualificationRun awaitAdmitted(String name) {
    return await()
        .atMost(WAIT)
        .until(
            () -> runs.get(name),
            r ->
                r.getStatus() != null
                    && r.getStatus().getPhase() == Phase.Pending
                    && Conditions.find(r.getStatus().getConditions(), ConditionTypes.QUEUED) != null
                    && !queued(r));
  }

  private QualificationRun awaitQueued(String name) {
    return await()
        .atMost(WAIT)
        .until(() -> runs.get(name), r -> r.getStatus() != null && queued(r));
  }
}
