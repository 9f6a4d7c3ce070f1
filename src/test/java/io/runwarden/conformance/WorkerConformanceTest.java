package io.runwarden.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.Backoff;
import io.runwarden.api.v1alpha1.BudgetSpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.Readme;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker-library conformance suite (sdk/conformance/README.md): every scenario, for every
 * library's conformance worker, against the real API server and the operator. Each worker runs as
 * its own process with a token bound to the README's one-run Role, and nothing else.
 */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class WorkerConformanceTest {

  /** A library's conformance worker: the command that starts it. */
  record Library(String name, List<String> command) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String CONFORMANCE_MAIN = "io.runwarden.worker.conformance.ConformanceWorker";

  static Stream<Library> libraries() {
    return Stream.of(javaLibrary(), typescriptLibrary(), pythonLibrary(), wrapper());
  }

  /** The TypeScript library's conformance worker, compiled by the build, run by Node. */
  static Library typescriptLibrary() {
    Path sdk = TestCluster.projectDir().resolve("sdk/typescript");
    return new Library(
        "typescript", List.of("node", sdk.resolve("dist/conformance/worker.js").toString()));
  }

  /** The Python library's conformance worker, with the machine's python3 and nothing installed. */
  static Library pythonLibrary() {
    Path sdk = TestCluster.projectDir().resolve("sdk/python");
    return new Library(
        "python",
        List.of(
            "env",
            "PYTHONPATH=" + sdk,
            "python3",
            sdk.resolve("conformance_worker.py").toString()));
  }

  /**
   * The command wrapper around a plain script that reports with {@code ::runwarden} lines; exit
   * code 2 is its non-retryable failure.
   */
  static Library wrapper() {
    Path sdk = TestCluster.projectDir().resolve("sdk/python");
    return new Library(
        "wrapper",
        List.of(
            "env",
            "PYTHONPATH=" + sdk,
            "python3",
            "-m",
            "runwarden_worker",
            "run",
            "--json-events",
            "--non-retryable-exit-codes",
            "2",
            "--",
            "bash",
            sdk.resolve("conformance_child.sh").toString()));
  }

  /** A library worker exits 0 once its outcome is written; the wrapper exits with its command's. */
  static int exitAfterFailure(Library lib, boolean fatal) {
    return lib.name().equals("wrapper") ? (fatal ? 2 : 1) : 0;
  }

  /**
   * The Java library's conformance worker on the library's own classpath (sdk/java's classes, its
   * test classes and its runtime dependencies, as its build wrote them): no Quarkus, no operator.
   */
  static Library javaLibrary() {
    Path sdk = TestCluster.projectDir().resolve("sdk/java/target");
    String deps;
    try {
      deps = java.nio.file.Files.readString(sdk.resolve("classpath.txt")).strip();
    } catch (IOException e) {
      throw new IllegalStateException("sdk/java is built by the root build first", e);
    }
    String classpath =
        String.join(
            java.io.File.pathSeparator,
            sdk.resolve("classes").toString(),
            sdk.resolve("test-classes").toString(),
            deps);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new Library("java", List.of(java, "-cp", classpath, CONFORMANCE_MAIN));
  }

  /** heartbeat 3 s: the libraries heartbeat every second. */
  static final Duration HEARTBEAT = Duration.ofSeconds(3);

  static final Duration HEARTBEAT_INTERVAL = HEARTBEAT.dividedBy(3);

  /**
   * Slack on "within one heartbeat interval": the worker's next write or run check comes within the
   * interval; the rest is a JVM on a busy 2-core machine printing a line. A library that does not
   * notice at all never prints, and one that waits for its own writes to be judged stuck takes the
   * whole heartbeat limit and more.
   */
  static final Duration SLACK = Duration.ofSeconds(3);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger ACCOUNTS = new AtomicInteger();

  private final KubernetesClient client = TestCluster.get().client();
  private final List<Worker> started = new CopyOnWriteArrayList<>();
  private String ns;
  private Runs runs;

  @BeforeEach
  void namespace() {
    ns = TestCluster.get().newNamespace("conformance");
    runs = new Runs(client, ns);
  }

  @AfterEach
  void stopWorkers() {
    started.forEach(w -> w.process.destroyForcibly());
  }

  @Test
  void claimRace() {
    eachLibrary("race", libraries(), this::claimRace);
  }

  private void claimRace(Library lib, String run) {
    create(run);
    Worker a = start(lib, run, "w-a", Map.of("CONFORMANCE_HOLD_MS", "4000"));
    Worker b = start(lib, run, "w-b", Map.of("CONFORMANCE_HOLD_MS", "4000"));

    await().atMost(Runs.WAIT).until(() -> a.exited() || a.has("claimed") || a.has("lost"));
    await().atMost(Runs.WAIT).until(() -> b.has("claimed") || b.has("lost"));
    await().atMost(Runs.WAIT).until(() -> a.has("claimed") || a.has("lost"));

    assertThat(List.of(a.has("claimed"), b.has("claimed")))
        .as("exactly one claim wins")
        .containsExactlyInAnyOrder(true, false);
    Worker winner = a.has("claimed") ? a : b;
    Worker loser = winner == a ? b : a;
    assertThat(loser.exitCode()).isEqualTo(3);
    QualificationRun stored = runs.awaitPhase(run, Phase.Succeeded);
    assertThat(stored.getStatus().getAttempts())
        .singleElement()
        .satisfies(r -> assertThat(r.getWorker()).isEqualTo(winner.name));
  }

  @Test
  void heartbeatsKeepARunAlive() {
    eachLibrary("alive", libraries(), this::heartbeatsKeepARunAlive);
  }

  private void heartbeatsKeepARunAlive(Library lib, String run) {
    create(run);
    long hold = HEARTBEAT.multipliedBy(3).toMillis();
    Worker w = start(lib, run, "w-1", Map.of("CONFORMANCE_HOLD_MS", Long.toString(hold)));
    await().atMost(Runs.WAIT).until(() -> w.has("claimed"));
    runs.awaitPhase(run, Phase.Running);

    // Three heartbeat limits without progress: alive all along, because the library heartbeats.
    await()
        .during(HEARTBEAT.multipliedBy(3).minusMillis(500))
        .atMost(HEARTBEAT.multipliedBy(4))
        .until(() -> runs.phase(run) == Phase.Running);

    QualificationRun stored = runs.awaitPhase(run, Phase.Succeeded);
    assertThat(stored.getStatus().getAttempt()).isEqualTo(1);
    assertThat(w.exitCode()).isZero();
  }

  @Test
  void progressAndCheckpointReachTheStatus() {
    eachLibrary("progress", libraries(), this::progressAndCheckpointReachTheStatus);
  }

  private void progressAndCheckpointReachTheStatus(Library lib, String run) {
    create(run);
    Worker w =
        start(lib, run, "w-1", Map.of("CONFORMANCE_ITEMS", "20", "CONFORMANCE_ITEM_MS", "50"));

    QualificationRun stored = runs.awaitPhase(run, Phase.Succeeded);

    assertThat(stored.getStatus().getAttempt()).isEqualTo(1);
    assertThat(stored.getStatus().getProgress().getCompleted()).isEqualTo(20L);
    assertThat(stored.getStatus().getCheckpoint()).isEqualTo("item-20");
    assertThat(w.exitCode()).isZero();
    assertThat(w.first("claimed").get("completed")).isEqualTo(0);
  }

  @Test
  void attemptTwoResumesFromTheCheckpoint() {
    eachLibrary("resume", libraries(), this::attemptTwoResumesFromTheCheckpoint);
  }

  private void attemptTwoResumesFromTheCheckpoint(Library lib, String run) {
    create(run);
    Map<String, String> env =
        Map.of("CONFORMANCE_ITEMS", "20", "CONFORMANCE_ITEM_MS", "50", "CONFORMANCE_CRASH_AT", "8");
    Worker first = start(lib, run, "w-1", env);
    await().atMost(Runs.WAIT).until(first::exited);
    assertThat(first.exitCode()).isEqualTo(137);

    // Killed: the operator finds its heartbeat lost and opens attempt 2 from the checkpoint.
    await().atMost(Runs.WAIT).until(() -> attempt(run) == 2 && runs.phase(run) == Phase.Pending);
    Worker second =
        start(lib, run, "w-2", Map.of("CONFORMANCE_ITEMS", "20", "CONFORMANCE_ITEM_MS", "50"));

    QualificationRun stored = runs.awaitPhase(run, Phase.Succeeded);
    Map<String, Object> claimed = second.first("claimed");
    assertThat(claimed.get("attempt")).isEqualTo(2);
    assertThat(claimed.get("completed")).isEqualTo(8);
    assertThat(claimed.get("checkpoint")).isEqualTo("item-8");
    // A library worker killed is silent: its heartbeat is lost. The wrapper outlives its killed
    // command and reports a retryable failure with the last checkpoint.
    assertThat(stored.getStatus().getAttempts().get(0).getReason())
        .isIn(Reasons.HEARTBEAT_LOST, Reasons.WORKER_FAILED);
    assertThat(stored.getStatus().getAttempts().get(1).getReason()).isEqualTo(Reasons.SUCCEEDED);
    assertThat(stored.getStatus().getProgress().getCompleted()).isEqualTo(20L);
  }

  @Test
  void anAbandonedWorkerIsCancelled() {
    eachLibrary("abandon", libraries(), this::anAbandonedWorkerIsCancelled);
  }

  private void anAbandonedWorkerIsCancelled(Library lib, String run) {
    create(run);
    Worker zombie =
        start(
            lib, run, "w-1", Map.of("CONFORMANCE_ITEMS", "2", "CONFORMANCE_UNTIL_CANCELLED", "1"));
    await().atMost(Runs.WAIT).until(() -> zombie.has("claimed"));
    runs.awaitPhase(run, Phase.Running);

    annotate(run, Annotations.RETRY_NOW, "1");
    await().atMost(Runs.WAIT).until(() -> attempt(run) == 2);
    Instant opened = Instant.now();
    await().atMost(HEARTBEAT_INTERVAL.plus(SLACK)).until(() -> zombie.has("cancelled"));
    System.out.printf(
        "conformance %s: cancelled %d ms after attempt 2 was visible%n",
        lib, Duration.between(opened, zombie.timeOf("cancelled")).toMillis());

    Worker next = start(lib, run, "w-2", Map.of("CONFORMANCE_ITEMS", "3"));
    QualificationRun stored = runs.awaitPhase(run, Phase.Succeeded);
    await().atMost(Runs.WAIT).until(zombie::exited);
    assertThat(zombie.first("late-report").get("refused")).isEqualTo(true);
    assertThat(zombie.exitCode()).isEqualTo(4);
    assertThat(next.first("claimed").get("attempt")).isEqualTo(2);
    assertThat(stored.getStatus().getProgress().getCompleted()).isEqualTo(3L);
    assertThat(stored.getStatus().getCheckpoint()).isEqualTo("item-3");
  }

  @Test
  void aForceFailedRunCancelsItsWorker() {
    eachLibrary("forced", libraries(), this::aForceFailedRunCancelsItsWorker);
  }

  private void aForceFailedRunCancelsItsWorker(Library lib, String run) {
    create(run);
    Worker w = start(lib, run, "w-1", Map.of("CONFORMANCE_UNTIL_CANCELLED", "1"));
    await().atMost(Runs.WAIT).until(() -> w.has("claimed"));
    runs.awaitPhase(run, Phase.Running);

    annotate(run, Annotations.FORCE_FAIL, "stop it");
    runs.awaitPhase(run, Phase.Failed);
    await().atMost(HEARTBEAT_INTERVAL.plus(SLACK)).until(() -> w.has("cancelled"));
    assertThat(w.first("cancelled").get("reason").toString()).contains("failed");
    await().atMost(Runs.WAIT).until(w::exited);
    assertThat(w.exitCode()).isEqualTo(4);
  }

  @Test
  void aRunOverItsBudgetCancelsItsWorker() {
    eachLibrary("budget", libraries(), this::aRunOverItsBudgetCancelsItsWorker);
  }

  /** 10 tokens an item against a budget of 100: the run ends at item 10, its worker is told. */
  private void aRunOverItsBudgetCancelsItsWorker(Library lib, String run) {
    create(run, r -> r.getSpec().setBudget(budget(null)));
    Worker w =
        start(
            lib,
            run,
            "w-1",
            Map.of("CONFORMANCE_ITEMS", "200", "CONFORMANCE_SPEND_PER_ITEM", "10"));
    QualificationRun failed = runs.awaitPhase(run, Phase.Failed);
    assertThat(failed.getStatus().getReason()).isEqualTo(Reasons.BUDGET_EXHAUSTED);
    assertThat(failed.getStatus().getBudget().getSpent()).isGreaterThanOrEqualTo(100L);
    await().atMost(HEARTBEAT_INTERVAL.plus(SLACK)).until(() -> w.has("cancelled"));
    await().atMost(Runs.WAIT).until(w::exited);
    assertThat(w.exitCode()).isEqualTo(4);
  }

  @Test
  void aSuspendedRunPausesItsWorker() {
    eachLibrary("suspend", libraries(), this::aSuspendedRunPausesItsWorker);
  }

  /**
   * {@code onExhausted: Suspend}, 10 tokens an item against 100: the run is suspended and its
   * worker does no more items (a library worker waits in the library; the wrapper stops its
   * command) until the limit is raised; then it finishes and the run succeeds.
   */
  private void aSuspendedRunPausesItsWorker(Library lib, String run) {
    create(run, r -> r.getSpec().setBudget(budget(BudgetSpec.OnExhausted.Suspend)));
    Worker w =
        start(
            lib,
            run,
            "w-1",
            Map.of(
                "CONFORMANCE_ITEMS", "100",
                "CONFORMANCE_SPEND_PER_ITEM", "10",
                "CONFORMANCE_PRINT_ITEMS", "1",
                "CONFORMANCE_PAUSE_WHILE_SUSPENDED", "1"));
    QualificationRun suspended = runs.awaitPhase(run, Phase.Suspended);
    assertThat(suspended.getStatus().getReason()).isEqualTo(Reasons.BUDGET_EXHAUSTED);
    await().atMost(HEARTBEAT_INTERVAL.plus(SLACK)).until(() -> w.has("suspended"));
    // An item line already on its way when the worker paused may still arrive; after that, none
    // while the run stays suspended (two looks at the run by the worker).
    Instant settled = w.timeOf("suspended").plusMillis(500);
    await()
        .during(HEARTBEAT_INTERVAL.multipliedBy(2))
        .atMost(HEARTBEAT_INTERVAL.multipliedBy(2).plus(SLACK))
        .until(() -> w.linesAfter("item", settled) == 0);
    assertThat(w.has("resumed")).isFalse();
    assertThat(w.exited()).isFalse();

    client
        .resources(QualificationRun.class)
        .inNamespace(ns)
        .withName(run)
        .edit(
            r -> {
              r.getSpec().getBudget().setLimit(100_000L);
              return r;
            });
    await().atMost(HEARTBEAT_INTERVAL.plus(SLACK).plus(SLACK)).until(() -> w.has("resumed"));
    QualificationRun done = runs.awaitPhase(run, Phase.Succeeded);
    assertThat(done.getStatus().getProgress().getCompleted()).isEqualTo(100L);
    assertThat(done.getStatus().getAttempt()).isEqualTo(1);
    assertThat(w.exitCode()).isZero();
  }

  @Test
  void aSigtermWritesTheLastProgress() {
    eachLibrary("sigterm", libraries(), this::aSigtermWritesTheLastProgress);
  }

  /**
   * SIGTERM (a pod being deleted) right after item 30 was reported: the worker writes it (or a
   * later item) before it exits, though its last periodic write may be a second, some 20 items,
   * older.
   */
  private void aSigtermWritesTheLastProgress(Library lib, String run) {
    create(run);
    Worker w =
        start(
            lib,
            run,
            "w-1",
            Map.of(
                "CONFORMANCE_ITEMS",
                "400",
                "CONFORMANCE_ITEM_MS",
                "50",
                "CONFORMANCE_PRINT_ITEMS",
                "1"));
    await()
        .atMost(Runs.WAIT)
        .until(() -> w.lines.stream().anyMatch(l -> Integer.valueOf(30).equals(l.get("n"))));
    w.process.destroy(); // SIGTERM
    int code = w.exitCode();
    var report =
        client
            .resources(io.runwarden.api.v1alpha1.QualificationRunReport.class)
            .inNamespace(ns)
            .withName(run)
            .get();
    assertThat(code).isEqualTo(143);
    // Item 30 was reported before the signal; the periodic writes come once a second.
    assertThat(report.getStatus().getCompleted()).isGreaterThanOrEqualTo(30L);
    assertThat(report.getStatus().getOutcome()).isNull(); // terminated, not finished
  }

  @Test
  void aNonRetryableFailureFailsTheRun() {
    eachLibrary("fatal", libraries(), this::aNonRetryableFailureFailsTheRun);
  }

  private void aNonRetryableFailureFailsTheRun(Library lib, String run) {
    create(run);
    Worker w =
        start(lib, run, "w-1", Map.of("CONFORMANCE_ITEMS", "2", "CONFORMANCE_FAIL", "fatal"));

    QualificationRun stored = runs.awaitPhase(run, Phase.Failed);

    assertThat(stored.getStatus().getReason()).isEqualTo(Reasons.NON_RETRYABLE);
    assertThat(stored.getStatus().getMessage()).contains("conformance: asked to fail");
    assertThat(stored.getStatus().getAttempt()).isEqualTo(1);
    await().atMost(Runs.WAIT).until(w::exited);
    assertThat(w.exitCode()).isEqualTo(exitAfterFailure(lib, true));
  }

  @Test
  void aRetryableFailureIsRetried() {
    eachLibrary("retry", libraries(), this::aRetryableFailureIsRetried);
  }

  private void aRetryableFailureIsRetried(Library lib, String run) {
    create(run);
    Worker w =
        start(lib, run, "w-1", Map.of("CONFORMANCE_ITEMS", "2", "CONFORMANCE_FAIL", "retryable"));

    await().atMost(Runs.WAIT).until(() -> attempt(run) == 2);
    QualificationRun stored = runs.get(run);
    assertThat(stored.getStatus().getAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a.getReason()).isEqualTo(Reasons.WORKER_FAILED));
    await().atMost(Runs.WAIT).until(w::exited);
    assertThat(w.exitCode()).isEqualTo(exitAfterFailure(lib, false));
  }

  /**
   * The README's Java worker, as written (the README shows sdk/java's readme/Worker.java): 20 items
   * with checkpoints, killed with SIGKILL after item 8; attempt 2 resumes from the last checkpoint
   * that reached the API server and the run succeeds.
   */
  private void theReadmeWorkerResumesAfterAKill(Library readme, String run) throws Exception {
    create(run);
    Worker first = start(readme, run, "w-1", Map.of());
    await().atMost(Runs.WAIT).until(() -> first.raw.contains("item 8 done"));
    first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no last flush
    first.process.waitFor();

    await().atMost(Runs.WAIT).until(() -> attempt(run) == 2);
    QualificationRun retrying = runs.get(run);
    long resumeAt = retrying.getStatus().getProgress().getCompleted();
    Worker second = start(readme, run, "w-2", Map.of());

    QualificationRun stored = runs.awaitPhase(run, Phase.Succeeded);
    System.out.printf(
        "README worker: killed after item 8, attempt 2 resumed at item %d (checkpoint %s)%n",
        resumeAt, retrying.getStatus().getCheckpoint());
    assertThat(resumeAt).isBetween(1L, 8L);
    assertThat(second.raw.get(0)).isEqualTo("item " + (resumeAt + 1) + " done");
    assertThat(stored.getStatus().getAttempt()).isEqualTo(2);
    assertThat(stored.getStatus().getProgress().getCompleted()).isEqualTo(20L);
    assertThat(stored.getStatus().getCheckpoint()).isEqualTo("item-20");
  }

  /**
   * The load one library worker puts on the API server: with the operator's default heartbeat limit
   * (5 min: a heartbeat every 30 s) and progress reported after every one of 2,000 items over about
   * 20 s, the report is written at most once per progress interval (5 s), not per item.
   */
  private void oneWorkersLoad(Library lib, String name) throws Exception {
    QualificationRun run = RunFixtures.run(name, ns);
    run.getSpec().getTimeouts().setRun("5m");
    client.resources(QualificationRun.class).inNamespace(ns).resource(run).create();
    createRole(name);
    List<String> heartbeats = new CopyOnWriteArrayList<>();
    try (var watch =
        client
            .resources(io.runwarden.api.v1alpha1.QualificationRunReport.class)
            .inNamespace(ns)
            .withName(name)
            .watch(
                new io.fabric8.kubernetes.client.Watcher<>() {
                  @Override
                  public void eventReceived(
                      Action action, io.runwarden.api.v1alpha1.QualificationRunReport r) {
                    String at = r.getStatus() == null ? null : r.getStatus().getHeartbeatAt();
                    if (at != null && !heartbeats.contains(at)) heartbeats.add(at);
                  }

                  @Override
                  public void onClose(io.fabric8.kubernetes.client.WatcherException e) {}
                })) {
      Instant begin = Instant.now();
      Worker w =
          start(lib, name, "w-1", Map.of("CONFORMANCE_ITEMS", "600", "CONFORMANCE_ITEM_MS", "10"));
      runs.awaitPhase(name, Phase.Succeeded, Duration.ofMinutes(2));
      double minutes = Duration.between(begin, Instant.now()).toMillis() / 60_000.0;
      assertThat(w.exitCode()).isZero();
      // The claim, one write per 5 s of progress, the outcome.
      long allowed = 2 + (long) Math.ceil(minutes * 60 / 5.0) + 1;
      System.out.printf(
          "conformance java: 600 progress calls over %.1f s, %d report writes (%.1f per minute)%n",
          minutes * 60, heartbeats.size(), heartbeats.size() / minutes);
      assertThat(heartbeats.size()).isBetween(3, (int) allowed);
    }
  }

  /** The README's wrapper command, run as written from sdk/python/examples. */
  static final String README_WRAPPER_COMMAND = "python3 -m runwarden_worker run -- bash worker.sh";

  static Stream<Library> readmeWorkers() {
    Path ts = TestCluster.projectDir().resolve("sdk/typescript");
    Path py = TestCluster.projectDir().resolve("sdk/python");
    return Stream.of(
        new Library(
            "typescript", List.of("node", ts.resolve("dist/examples/worker.js").toString())),
        new Library(
            "python",
            List.of(
                "env", "PYTHONPATH=" + py, "python3", py.resolve("examples/worker.py").toString())),
        new Library(
            "shell",
            List.of(
                "env",
                "PYTHONPATH=" + py,
                "bash",
                "-c",
                "cd " + py.resolve("examples") + " && " + README_WRAPPER_COMMAND)));
  }

  /**
   * The README's workers, as written, all at once: the Java one killed after item 8 and resumed;
   * the TypeScript, Python and shell ones doing their 20 items; beside them, one Java library
   * worker's load on the API server.
   */
  @Test
  void theReadmeWorkersAndOneWorkersLoad() {
    Library javaReadme =
        new Library(
            "java",
            javaLibrary().command().stream()
                .map(a -> a.equals(CONFORMANCE_MAIN) ? "io.runwarden.worker.readme.Worker" : a)
                .toList());
    Library load = new Library("load", javaLibrary().command());
    eachLibrary(
        "readme",
        Stream.concat(Stream.of(javaReadme, load), readmeWorkers()),
        (lib, run) -> {
          try {
            switch (lib.name()) {
              case "java" -> theReadmeWorkerResumesAfterAKill(lib, run);
              case "load" -> oneWorkersLoad(lib, run);
              default -> theReadmeWorkersDoTheirTwentyItems(lib, run);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private void theReadmeWorkersDoTheirTwentyItems(Library lib, String run) {
    create(run);
    Worker w = start(lib, run, "w-1", Map.of());

    QualificationRun stored = runs.awaitPhase(run, Phase.Succeeded);

    assertThat(w.exitCode()).isZero();
    assertThat(w.raw).contains("item 1 done", "item 20 done");
    assertThat(stored.getStatus().getProgress().getCompleted()).isEqualTo(20L);
    assertThat(stored.getStatus().getCheckpoint()).isEqualTo("item-20");
  }

  // --- helpers -----------------------------------------------------------------------------------

  /**
   * Runs one scenario for every library at once, each on its own run ({@code scenario-library}), so
   * the suite takes about as long as one library: the scenarios wait on the operator's timers, not
   * on the machine. Every library's failure is reported, not only the first.
   */
  private void eachLibrary(
      String scenario, Stream<Library> libs, BiConsumer<Library, String> body) {
    ExecutorService pool = Executors.newCachedThreadPool();
    Map<String, Future<Long>> results = new LinkedHashMap<>();
    libs.forEach(
        lib ->
            results.put(
                lib.name(),
                pool.submit(
                    () -> {
                      long begin = System.nanoTime();
                      body.accept(lib, scenario + "-" + lib.name());
                      return (System.nanoTime() - begin) / 1_000_000;
                    })));
    List<String> failures = new ArrayList<>();
    try {
      results.forEach(
          (name, result) -> {
            try {
              long ms = result.get(5, TimeUnit.MINUTES);
              System.out.printf("conformance %s %s: passed in %d ms%n", scenario, name, ms);
            } catch (ExecutionException e) {
              failures.add(name + ": " + e.getCause());
            } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
              failures.add(name + ": " + e);
            }
          });
    } finally {
      pool.shutdownNow();
    }
    assertThat(failures).as("libraries failing " + scenario).isEmpty();
  }

  /** A run with short limits: start 30 s, heartbeat 3 s, two retries after 1 s. */
  private void create(String name) {
    create(name, r -> {});
  }

  private void create(String name, java.util.function.Consumer<QualificationRun> customize) {
    QualificationRun run = RunFixtures.run(name, ns);
    run.getSpec().getTimeouts().setRun("3m");
    run.getSpec().getTimeouts().setStart("30s");
    run.getSpec().getTimeouts().setHeartbeat("3s");
    RetryPolicy retry = new RetryPolicy();
    retry.setMaxRetries(2);
    Backoff backoff = new Backoff();
    backoff.setInitial("1s");
    retry.setBackoff(backoff);
    run.getSpec().setRetry(retry);
    customize.accept(run);
    client.resources(QualificationRun.class).inNamespace(ns).resource(run).create();
    createRole(name);
  }

  /**
   * A budget of 100 tokens, for a worker spending 10 an item; onExhausted null: the default, Fail.
   */
  private static BudgetSpec budget(BudgetSpec.OnExhausted onExhausted) {
    BudgetSpec b = new BudgetSpec();
    b.setLimit(100L);
    b.setUnit("tokens");
    b.setOnExhausted(onExhausted);
    return b;
  }

  /** The README's one-run Role, for this run: what each worker's token may do, and no more. */
  private void createRole(String name) {
    oneRunRole(client, ns, name);
  }

  static void oneRunRole(KubernetesClient client, String ns, String name) {
    client
        .rbac()
        .roles()
        .inNamespace(ns)
        .resource(
            client.getKubernetesSerialization().unmarshal(Readme.oneRunRole(name), Role.class))
        .create();
  }

  private int attempt(String run) {
    QualificationRun r = runs.get(run);
    return r == null || r.getStatus() == null || r.getStatus().getAttempt() == null
        ? 0
        : r.getStatus().getAttempt();
  }

  private void annotate(String run, String key, String value) {
    client
        .resources(QualificationRun.class)
        .inNamespace(ns)
        .withName(run)
        .edit(
            r -> {
              Map<String, String> a =
                  r.getMetadata().getAnnotations() == null
                      ? new HashMap<>()
                      : new HashMap<>(r.getMetadata().getAnnotations());
              a.put(key, value);
              r.getMetadata().setAnnotations(a);
              return r;
            });
  }

  private Worker start(Library lib, String run, String name, Map<String, String> env) {
    Worker w = launch(lib, ns, run, name, env);
    started.add(w);
    return w;
  }

  /** Starts a library's worker for {@code run} with a token bound to the run's one-run Role. */
  static Worker launch(Library lib, String ns, String run, String name, Map<String, String> env) {
    String account = "w" + ACCOUNTS.incrementAndGet();
    Path kubeconfig = ChartRbac.kubeconfigForAccountBoundTo(account, ns, "Role", run + "-worker");
    ProcessBuilder pb = new ProcessBuilder(lib.command());
    Map<String, String> e = pb.environment();
    e.put("KUBECONFIG", kubeconfig.toString());
    e.put("RUNWARDEN_RUN", run);
    e.put("RUNWARDEN_NAMESPACE", ns);
    e.put("RUNWARDEN_WORKER", name);
    e.putAll(env);
    Path log =
        TestCluster.projectDir()
            .resolve("target/conformance/" + ns + "-" + run + "-" + name + ".log");
    try {
      java.nio.file.Files.createDirectories(log.getParent());
      pb.redirectError(log.toFile());
      return new Worker(name, pb.start());
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** A conformance worker process and the JSON lines it printed, with when each arrived. */
  static final class Worker {
    final String name;
    final Process process;
    final List<Map<String, Object>> lines = new CopyOnWriteArrayList<>();
    final List<Instant> times = new CopyOnWriteArrayList<>();
    final List<String> raw = new CopyOnWriteArrayList<>();

    Worker(String name, Process process) {
      this.name = name;
      this.process = process;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    System.out.println("[" + name + "] " + line);
                    raw.add(line);
                    if (!line.startsWith("{")) continue;
                    @SuppressWarnings("unchecked")
                    Map<String, Object> parsed = JSON.readValue(line, Map.class);
                    times.add(Instant.now());
                    lines.add(parsed);
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
              },
              "conformance-" + name);
      reader.setDaemon(true);
      reader.start();
    }

    boolean has(String event) {
      return lines.stream().anyMatch(l -> event.equals(l.get("event")));
    }

    Map<String, Object> first(String event) {
      return lines.stream()
          .filter(l -> event.equals(l.get("event")))
          .findFirst()
          .orElseThrow(() -> new AssertionError(name + " printed no " + event + ": " + lines));
    }

    Instant timeOf(String event) {
      for (int i = 0; i < Math.min(lines.size(), times.size()); i++) {
        if (event.equals(lines.get(i).get("event"))) return times.get(i);
      }
      throw new AssertionError(name + " printed no " + event);
    }

    /** How many {@code event} lines arrived after {@code t}. */
    long linesAfter(String event, Instant t) {
      long n = 0;
      for (int i = 0; i < Math.min(lines.size(), times.size()); i++) {
        if (event.equals(lines.get(i).get("event")) && times.get(i).isAfter(t)) n++;
      }
      return n;
    }

    boolean exited() {
      return !process.isAlive();
    }

    int exitCode() {
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          throw new AssertionError(name + " still running; printed " + lines);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      return process.exitValue();
    }
  }
}
