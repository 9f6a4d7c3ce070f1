package io.runwarden.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.Processes.Result;
import io.runwarden.testing.Readme;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import io.runwarden.testing.UserShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl runwarden}, installed and typed as the README's on-call section says, against the
 * real API server and the operator: a bash file on the PATH, kubectl, nothing else.
 */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class KubectlPluginTest {

  private static final List<String> BLOCKS = Readme.blocks("On call: manual actions with kubectl");

  /** The plugin block's command lines, comments removed, in the README's order. */
  private static final List<String> LINES =
      Readme.commands(
          BLOCKS.stream()
              .filter(b -> b.contains("kubectl runwarden"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("the README shows no kubectl runwarden")));

  private final KubernetesClient client = TestCluster.get().client();
  private String ns;
  private Runs runs;
  private UserShell user;

  @BeforeEach
  void setUp(@TempDir Path home) throws Exception {
    ns = TestCluster.get().newNamespace("oncall");
    runs = new Runs(client, ns);
    // A user whose current namespace is the test's: the README's lines carry no -n.
    user = UserShell.in(home, ns);
    assertThat(LINES.get(0)).startsWith("mkdir -p ~/.local/bin && cp plugin/kubectl-runwarden");
    assertThat(line(0).exit()).as("installed as written").isZero();
  }

  @Test
  void explainShowsARunThatRetriedTwiceAndWhatHappensNext() {
    create("llm-batch-42", Map.of("team", "scrapers"));
    failAttempt("llm-batch-42", "w-1", "endpoint 503");
    failAttempt("llm-batch-42", "w-2", "endpoint 503 again");
    TestWorker third = new TestWorker(client, ns, "llm-batch-42", "w-3");
    await().atMost(Runs.WAIT).until(() -> attempt("llm-batch-42") == 3);
    int a = third.claim();
    third.heartbeat(a, 7L, null);
    runs.awaitPhase("llm-batch-42", Phase.Running);

    Result get = line(1);
    assertThat(get.out())
        .contains("QUEUE")
        .containsPattern("llm-batch-42\\s+Running\\s+\\S+\\s+3\\s");

    Result explain = line(2);
    System.out.println("kubectl runwarden explain llm-batch-42:\n" + explain.out());
    assertThat(explain.out())
        .contains("Run llm-batch-42: Running (Claimed), attempt 3, retries used 2/3")
        .containsPattern("attempt 1  w-1  \\S+ -> \\S+  Failed  WorkerFailed")
        .containsPattern("attempt 2  w-2  \\S+ -> \\S+  Failed  WorkerFailed")
        .containsPattern(
            "Next: HeartbeatLost at \\S+Z \\(in (4m|5m)\\S*\\) unless the worker heartbeats")
        .containsPattern("Deadline: DeadlineExceeded at \\S+Z \\(in 2\\dm\\S*\\)");

    Result workers = line(3);
    assertThat(workers.out())
        .containsPattern(
            "Attempt 3: held by w-3, last heartbeat \\d+s ago \\(limit 5m\\), completed 7")
        .contains("Attempt 1: w-1, Failed (WorkerFailed)");

    assertThat(line(4).exit()).isZero(); // suspend
    runs.awaitPhase("llm-batch-42", Phase.Suspended);
    assertThat(line(5).exit()).isZero(); // resume
    runs.awaitPhase("llm-batch-42", Phase.Running);
    assertThat(line(6).exit()).isZero(); // retry
    await().atMost(Runs.WAIT).until(() -> attempt("llm-batch-42") == 4);
    assertThat(runs.get("llm-batch-42").getStatus().getRequests().getManualRetries()).isEqualTo(1);
  }

  @Test
  void failBySelectorEndsEveryMatchingRunAndNoOther() {
    create("scraper-a", Map.of("team", "scrapers"));
    create("scraper-b", Map.of("team", "scrapers"));
    create("other", Map.of("team", "llm"));
    runs.awaitPhase("scraper-a", Phase.Pending);
    runs.awaitPhase("scraper-b", Phase.Pending);
    Result pending = sh("kubectl runwarden explain other");
    assertThat(pending.out())
        .containsPattern(
            "Next: StartTimeout at \\S+Z \\(in \\S+\\) unless a worker claims attempt 1");

    assertThat(line(7).exit()).isZero();
    for (String name : List.of("scraper-a", "scraper-b")) {
      QualificationRun r = runs.awaitPhase(name, Phase.Failed);
      assertThat(r.getStatus().getReason()).isEqualTo(Reasons.FORCE_FAILED);
      assertThat(r.getStatus().getMessage()).contains("portal down, stopping");
    }
    assertThat(runs.phase("other")).isEqualTo(Phase.Pending);
    assertThat(sh("kubectl runwarden explain scraper-a").out())
        .contains("Next: nothing: the run ended at");
  }

  /**
   * docs/runbooks.md: every kubectl line an alert's section gives, typed as written with its
   * placeholders filled (RUN, NS, OPERATOR_NS), by someone on call whose current namespace is not
   * the team's. A line that needs the run's namespace must say so.
   */
  @Test
  void theRunbooksCommandsRunAsWrittenFromAnotherNamespace() throws Exception {
    String runbooks = Files.readString(TestCluster.projectDir().resolve("docs/runbooks.md"));
    Matcher m = Pattern.compile("`(kubectl [^`]+)`").matcher(runbooks);
    List<String> commands = new ArrayList<>();
    while (m.find()) {
      if (!m.group(1).equals("kubectl runwarden")) commands.add(m.group(1));
    }
    assertThat(commands).hasSizeGreaterThanOrEqualTo(9);
    // The retry last: after it the run is no longer Retrying for the lines that look for one.
    commands.sort(java.util.Comparator.comparing(c -> c.contains(" retry ")));
    user.inNamespace("default");

    // A run whose first attempt failed and that waits for its retry (RunwardenRunsRetryingLong).
    QualificationRun run = RunFixtures.run("batch-r", ns);
    run.getSpec().setRetry(RunFixtures.retry(3));
    run.getSpec().getRetry().getBackoff().setInitial("10m");
    run.getSpec().getRetry().getBackoff().setMax("10m");
    client.resource(run).create();
    runs.awaitPhase("batch-r", Phase.Pending);
    TestWorker w = new TestWorker(client, ns, "batch-r", "w-1");
    w.fail(w.claim(), "endpoint 503", true);
    runs.awaitPhase("batch-r", Phase.Retrying);

    for (String command : commands) {
      String typed = command.replace("OPERATOR_NS", ns).replace("RUN", "batch-r").replace("NS", ns);
      Result r = sh(typed);
      assertThat(r.exit()).as("%s%n%s", typed, r.out()).isZero();
      if (command.contains(" workers ")) {
        assertThat(r.out())
            .as("the attempt ended: nobody holds it")
            .startsWith("Attempt 1: w-1 reported Failed, last heartbeat ")
            .contains("the run is Retrying")
            .contains("Attempt 1: w-1, Failed (WorkerFailed)");
      } else if (command.contains("RUN") || command.contains("grep Retrying")) {
        assertThat(r.out()).as(typed).contains("batch-r");
      }
    }
    // An attempt the operator ended (its worker went silent) is not held either.
    QualificationRun silent = RunFixtures.run("batch-s", ns);
    silent.getSpec().getTimeouts().setHeartbeat("1s");
    silent.getSpec().setRetry(run.getSpec().getRetry());
    client.resource(silent).create();
    runs.awaitPhase("batch-s", Phase.Pending);
    new TestWorker(client, ns, "batch-s", "w-2").claim();
    runs.awaitPhase("batch-s", Phase.Retrying);
    assertThat(sh("kubectl runwarden workers batch-s -n " + ns).out())
        .startsWith("Attempt 1: ended while w-2 held it, last heartbeat ")
        .contains("the run is Retrying")
        .contains("Attempt 1: w-2, Failed (HeartbeatLost)");

    await()
        .atMost(Runs.WAIT)
        .alias("the runbook's retry line reached the run")
        .until(
            () -> runs.get("batch-r").getStatus().getRequests(),
            r -> r != null && Integer.valueOf(1).equals(r.getManualRetries()));
  }

  // --- helpers -----------------------------------------------------------------------------------

  private void create(String name, Map<String, String> labels) {
    QualificationRun run = RunFixtures.run(name, ns);
    run.getMetadata().setLabels(labels);
    run.getSpec().getTimeouts().setRun("30m");
    run.getSpec().getTimeouts().setStart("10m");
    run.getSpec().getTimeouts().setHeartbeat("5m");
    run.getSpec().setRetry(RunFixtures.retry(3));
    client.resource(run).create();
  }

  private void failAttempt(String run, String worker, String error) {
    TestWorker w = new TestWorker(client, ns, run, worker);
    int before = attempt(run);
    await().atMost(Runs.WAIT).until(() -> runs.phase(run) == Phase.Pending);
    int a = w.claim();
    w.fail(a, error, true);
    await().atMost(Runs.WAIT).until(() -> attempt(run) == before + 1);
  }

  private int attempt(String run) {
    QualificationRun r = runs.get(run);
    return r == null || r.getStatus() == null || r.getStatus().getAttempt() == null
        ? 0
        : r.getStatus().getAttempt();
  }

  private Result line(int i) {
    return sh(LINES.get(i));
  }

  private Result sh(String command) {
    return user.typed(command);
  }
}
