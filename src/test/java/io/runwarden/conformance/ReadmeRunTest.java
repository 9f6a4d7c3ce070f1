package io.runwarden.conformance;

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
import io.runwarden.testing.Processes;
import io.runwarden.testing.Readme;
import io.runwarden.testing.Runs;
import io.runwarden.testing.ShellWorker;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.UserShell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "A run", as a user meets it: its YAML applied as written, a worker reporting with
 * the documented commands (docs/worker-contract.md), {@code kubectl get qrun} printing the row the
 * README shows, then the README's {@code kubectl wait} and {@code kubectl describe} lines, typed in
 * the run's namespace as the README types them (no -n).
 */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class ReadmeRunTest {

  private static final List<String> BLOCKS = Readme.blocks("A run");
  private static final List<String> WORKER =
      Readme.commands(Readme.blocks("docs/worker-contract.md", "The protocol with kubectl").get(1));

  private final KubernetesClient client = TestCluster.get().client();

  @Test
  void theReadmesRunRunsAsItSaysAndItsCommandsShowIt(@TempDir Path home) throws Exception {
    String ns = TestCluster.get().newNamespace("readme-run");
    Runs runs = new Runs(client, ns);
    UserShell user = UserShell.in(home, ns);

    String yaml = BLOCKS.get(0);
    assertThat(yaml).contains("name: llm-batch-42").contains("resume: FromCheckpoint");
    Path file = home.resolve("run.yaml");
    Files.writeString(file, yaml);
    assertThat(user.typed("kubectl apply -f " + file).exit()).as("applied as written").isZero();
    QualificationRun run = runs.awaitPhase("llm-batch-42", Phase.Pending);
    assertThat(run.getSpec().getTotal()).isEqualTo(120L);
    assertThat(run.getSpec().getRetry().getReasons()).hasSize(5);

    // The worker, as docs/worker-contract.md writes it: claim, then "report completed 7 ...".
    assertThat(WORKER.get(1)).startsWith("claim");
    assertThat(WORKER.get(2)).startsWith("report completed 7");
    ShellWorker worker = new ShellWorker(user.kubeconfig(), ns, "llm-batch-42", "w-1");
    assertThat(worker.claim().exitCode()).isZero();
    assertThat(worker.run(WORKER.get(2)).exitCode()).isZero();
    await()
        .atMost(Runs.WAIT)
        .until(
            () -> runs.get("llm-batch-42").getStatus(),
            s ->
                s.getPhase() == Phase.Running
                    && s.getProgress() != null
                    && Long.valueOf(7).equals(s.getProgress().getCompleted()));

    // kubectl get qrun: the README's console block, but for the deadline and the age.
    List<String> console = BLOCKS.get(1).lines().toList();
    assertThat(console.get(0)).isEqualTo("$ kubectl get qrun");
    Processes.Result get = user.typed(console.get(0).substring(2));
    assertThat(get.exit()).isZero();
    Map<String, String> shown = row(console.get(1), console.get(2));
    Map<String, String> printed =
        row(get.out().lines().toList().get(0), get.out().lines().toList().get(1));
    assertThat(printed.keySet()).containsExactlyElementsOf(shown.keySet());
    for (String column : shown.keySet()) {
      switch (column) {
        case "DEADLINE" ->
            assertThat(printed.get(column)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        case "AGE" -> assertThat(printed.get(column)).matches("[0-9smhd]+");
        default -> assertThat(printed.get(column)).as(column).isEqualTo(shown.get(column));
      }
    }

    // The worker finishes; the README's kubectl wait returns on the Succeeded condition.
    List<String> lines = Readme.commands(BLOCKS.get(2));
    assertThat(lines.get(0)).startsWith("kubectl wait --for=condition=Succeeded qrun/llm-batch-42");
    assertThat(WORKER.get(4)).contains("outcome '\"Succeeded\"'");
    assertThat(worker.run(WORKER.get(4)).exitCode()).isZero();
    Processes.Result waited = user.typed(lines.get(0));
    assertThat(waited.exit()).as(waited.out()).isZero();
    assertThat(waited.out()).contains("llm-batch-42 condition met");
    assertThat(runs.phase("llm-batch-42")).isEqualTo(Phase.Succeeded);

    // kubectl describe: its events tell what happened (they are sent after the status).
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Processes.Result described = user.typed(lines.get(1));
              assertThat(described.exit()).isZero();
              String events = described.out().substring(described.out().indexOf("\nEvents:"));
              assertThat(events)
                  .contains(Reasons.ACCEPTED)
                  .contains(Reasons.CLAIMED)
                  .contains(Reasons.SUCCEEDED);
            });
  }

  /** One row of a kubectl table, by the header's column offsets (an empty cell stays empty). */
  private static Map<String, String> row(String header, String line) {
    List<Integer> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    var m = java.util.regex.Pattern.compile("\\S+").matcher(header);
    while (m.find()) {
      starts.add(m.start());
      names.add(m.group());
    }
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      int from = Math.min(starts.get(i), line.length());
      int to = i + 1 < starts.size() ? Math.min(starts.get(i + 1), line.length()) : line.length();
      row.put(names.get(i), line.substring(from, to).strip());
    }
    return row;
  }
}
