package io.runwarden.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.BudgetSpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.execution.AttemptJobs;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.FakeKubelet;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.Readme;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.ShellWorker;
import io.runwarden.testing.TestCluster;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker contract against the real API server, driven by its documented shell functions and
 * command lines (docs/worker-contract.md, "The protocol with kubectl"): an earlier attempt's report
 * can never affect a later attempt, the API server decides claims and fences zombies, RBAC keeps a
 * worker to its run's report, and a Job the run does not own never decides its outcome.
 */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class WorkerContractTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> FUNCTIONS =
      Readme.blocks("docs/worker-contract.md", "The protocol with kubectl");

  private final KubernetesClient client = TestCluster.get().client();
  private String ns;
  private Runs runs;

  /** README: claim, progress, heartbeat, success (the worker's usage block), line by line. */
  private static final List<String> USAGE = Readme.commands(FUNCTIONS.get(1));

  /** README: a retryable failure, a non-retryable one. */
  private static final List<String> FAILURES = Readme.commands(FUNCTIONS.get(2));

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("contract");
    runs = new Runs(client, ns);
  }

  @Test
  void theReadmeShowsTheShippedProtocolFunctions() throws Exception {
    assertThat(FUNCTIONS.get(0))
        .isEqualTo(
            Files.readString(TestCluster.projectDir().resolve("scripts/worker-protocol.sh")));
    assertThat(USAGE.get(1)).isEqualTo("claim || exit 1");
    assertThat(USAGE.get(2)).startsWith("report completed 7");
    assertThat(FAILURES.get(0)).doesNotContain("retryable");
    assertThat(FAILURES.get(1)).endsWith("retryable false");
  }

  @Test
  void aRetryableFailureDoesNotFailTheNextAttemptAtItsClaim() {
    create("burn", r -> r.getSpec().setRetry(RunFixtures.retry(2)));
    ShellWorker first = worker("burn", "w-1");
    runs.awaitPhase("burn", Phase.Pending);
    assertThat(first.claim().exitCode()).isZero();
    assertThat(first.run(FAILURES.get(0)).exitCode()).isZero();
    await().atMost(WAIT).until(() -> attempt("burn") == 2 && runs.phase("burn") == Phase.Pending);

    ShellWorker second = worker("burn", "w-2");
    assertThat(second.claim().exitCode()).isZero();
    assertThat(second.attempt()).isEqualTo(2);
    runs.awaitPhase("burn", Phase.Running);
    // Under the old contract the claim's merge patch kept attempt 1's outcome: attempt 2 failed the
    // moment it was claimed and the run went on to attempt 3.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> attempt("burn") == 2 && runs.phase("burn") == Phase.Running);
    assertThat(report("burn").getStatus().getOutcome()).isNull();
    assertThat(report("burn").getStatus().getError()).isNull();
  }

  /** docs: what a worker spends, reported as written. */
  private static final List<String> SPEND = Readme.commands(FUNCTIONS.get(3));

  @Test
  void aWorkerReportingSpendPastTheBudgetEndsTheRun() {
    assertThat(SPEND.get(0)).startsWith("report spent 180000");
    create(
        "spender",
        r -> {
          BudgetSpec b = new BudgetSpec();
          b.setLimit(150_000L);
          b.setUnit("tokens");
          r.getSpec().setBudget(b);
          r.getSpec().setRetry(RunFixtures.retry(2));
        });
    ShellWorker w = worker("spender", "w-1");
    runs.awaitPhase("spender", Phase.Pending);
    assertThat(w.claim().exitCode()).isZero();
    assertThat(w.run(SPEND.get(0)).exitCode()).isZero();

    QualificationRun run = runs.awaitPhase("spender", Phase.Failed);
    assertThat(run.getStatus().getReason()).isEqualTo(Reasons.BUDGET_EXHAUSTED);
    assertThat(run.getStatus().getMessage()).contains("Spent 180000 of 150000 tokens");
    assertThat(run.getStatus().getBudget().getSummary()).isEqualTo("180000/150000 tokens");
    assertThat(run.getStatus().getRetryCount()).as("not retried").isZero();
    assertThat(run.getStatus().getAttempts()).hasSize(1);
  }

  @Test
  void aZombieOfAnEarlierAttemptCannotChangeTheNextOne() {
    create("zombie", r -> r.getSpec().setRetry(RunFixtures.retry(2)));
    ShellWorker zombie = worker("zombie", "w-1");
    runs.awaitPhase("zombie", Phase.Pending);
    assertThat(zombie.claim().exitCode()).isZero();
    // Attempt 1 fails retryably; its worker lives on as a zombie while attempt 2 opens.
    assertThat(zombie.run(FAILURES.get(0)).exitCode()).isZero();
    await()
        .atMost(WAIT)
        .until(() -> attempt("zombie") == 2 && runs.phase("zombie") == Phase.Pending);

    ShellWorker.Result early = zombie.as(1).run(FAILURES.get(1));
    assertThat(early.exitCode()).as("refused by the API server").isNotZero();
    assertThat(early.stderr()).contains("the server rejected our request");

    ShellWorker next = worker("zombie", "w-2");
    assertThat(next.claim().exitCode()).isZero();
    ShellWorker.Result late = zombie.run(FAILURES.get(1));
    assertThat(late.exitCode()).as("refused after the claim too").isNotZero();
    assertThat(next.run(USAGE.get(2)).exitCode()).isZero();
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> attempt("zombie") == 2 && runs.phase("zombie") == Phase.Running);
    assertThat(runs.get("zombie").getStatus().getLastErrorMessage())
        .as("attempt 1's own failure, not the zombie's")
        .contains("endpoint 503")
        .doesNotContain("rejected");
    assertThat(report("zombie").getStatus().getWorker()).isEqualTo("w-2");
    assertThat(report("zombie").getStatus().getCompleted()).isEqualTo(7L);
    assertThat(report("zombie").getStatus().getOutcome()).isNull();
  }

  /** The README's one-run Role ("Worker protocol"), applied as written, bound to a worker. */
  @Test
  void aWorkerBoundToTheReadmesRoleMayReportForItsRunAndNothingElse() throws Exception {
    create("llm-batch-42", r -> {});
    create("other", r -> {});
    runs.awaitPhase("llm-batch-42", Phase.Pending);
    runs.awaitPhase("other", Phase.Pending);
    String roleYaml = Readme.oneRunRole("llm-batch-42");
    client
        .load(new ByteArrayInputStream(roleYaml.getBytes(StandardCharsets.UTF_8)))
        .inNamespace(ns)
        .create();
    Path kubeconfig =
        ChartRbac.kubeconfigForAccountBoundTo("worker", ns, "Role", "llm-batch-42-worker");

    ShellWorker mine = new ShellWorker(kubeconfig, ns, "llm-batch-42", "w-a");
    assertThat(mine.claim().exitCode()).isZero();
    assertThat(mine.run(USAGE.get(2)).exitCode()).isZero();
    await().atMost(WAIT).until(() -> runs.phase("llm-batch-42") == Phase.Running);

    ShellWorker theirs = new ShellWorker(kubeconfig, ns, "other", "w-a");
    ShellWorker.Result claim = theirs.claim();
    assertThat(claim.exitCode()).isNotZero();
    assertThat(claim.stderr()).contains("Forbidden");
    ShellWorker.Result forge =
        mine.run(
            "kubectl patch qrun llm-batch-42 -n \"$NS\" --subresource=status --type=merge"
                + " -p '{\"status\":{\"phase\":\"Succeeded\"}}'");
    assertThat(forge.exitCode()).isNotZero();
    assertThat(forge.stderr()).contains("Forbidden");
    ShellWorker.Result list = mine.run("kubectl get qreport -n \"$NS\"");
    assertThat(list.exitCode()).isNotZero();
    assertThat(list.stderr()).contains("Forbidden");
    assertThat(runs.phase("llm-batch-42")).isEqualTo(Phase.Running);
  }

  @Test
  void aJobTheRunDoesNotOwnNeverDecidesItsOutcome() {
    // Someone who may create Jobs makes a completed one with the run's name, labels and annotation.
    Job foreign =
        client
            .resource(
                new JobBuilder()
                    .withNewMetadata()
                    .withName(AttemptJobs.jobName("foreign", 1))
                    .withNamespace(ns)
                    .withLabels(
                        Map.of(
                            AttemptJobs.LABEL_RUN,
                            AttemptJobs.runLabel("foreign"),
                            AttemptJobs.LABEL_ATTEMPT,
                            "1"))
                    .withAnnotations(Map.of(AttemptJobs.ANNOTATION_RUN_NAME, "foreign"))
                    .endMetadata()
                    .withNewSpec()
                    .withTemplate(template())
                    .endSpec()
                    .build())
            .create();
    new FakeKubelet(client).finishJob(foreign, true);
    create(
        "foreign",
        r -> {
          r.getSpec().getTimeouts().setStart("3s");
          r.getSpec().setRetry(RunFixtures.retry(0));
          AttemptJobSpec job = new AttemptJobSpec();
          job.setTemplate(template());
          r.getSpec().setJob(job);
        });
    await().atMost(WAIT).until(() -> runs.phase("foreign") == Phase.Failed);
    assertThat(runs.get("foreign").getStatus().getAttempts().get(0).getReason())
        .isEqualTo("StartTimeout");
    assertThat(client.resource(foreign).get()).as("someone else's Job is left alone").isNotNull();
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static io.fabric8.kubernetes.api.model.PodTemplateSpec template() {
    return new PodTemplateSpecBuilder()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withContainers(
            new ContainerBuilder().withName("worker").withImage("example.org/w:1").build())
        .endSpec()
        .build();
  }

  private void create(String name, Consumer<QualificationRun> customize) {
    QualificationRun run = RunFixtures.run(name, ns);
    run.getSpec().getTimeouts().setRun("2m");
    run.getSpec().getTimeouts().setStart("1m");
    run.getSpec().getTimeouts().setHeartbeat("1m");
    customize.accept(run);
    client.resource(run).create();
  }

  private ShellWorker worker(String run, String name) {
    return new ShellWorker(TestCluster.get().kubeconfig(), ns, run, name);
  }

  private QualificationRunReport report(String name) {
    return client.resources(QualificationRunReport.class).inNamespace(ns).withName(name).get();
  }

  private int attempt(String name) {
    QualificationRun r = runs.get(name);
    return r == null || r.getStatus() == null || r.getStatus().getAttempt() == null
        ? 0
        : r.getStatus().getAttempt();
  }
}
