package io.runwarden.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.testing.Readme;
import io.runwarden.testing.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every fenced block of the README and the docs is run by a test, as written: each block is listed
 * here with the test that runs it, and that test reads the block from its document. A block added
 * without a test, or a test that stopped reading its document, fails here. The one block that is
 * not something to type (a signature in the design notes) says why.
 */
@Tag("pure")
class DocBlocksTest {

  /** Where a block is: its document, its "## " section ("" before the first), its place there. */
  record Block(String file, String section, int index) {
    @Override
    public String toString() {
      return file + " § " + (section.isEmpty() ? "(top)" : section) + " #" + index;
    }
  }

  /** What runs a block: a test class (its source path under src/test/java or sdk/) or why none. */
  record Runner(String source, String notACommand) {}

  private static final Map<Block, Runner> RUNNERS = new LinkedHashMap<>();

  private static void ran(String file, String section, int index, String testSource) {
    RUNNERS.put(new Block(file, section, index), new Runner(testSource, null));
  }

  private static final String T = "src/test/java/io/runwarden/";

  static {
    ran("README.md", "Two commands", 1, T + "deploy/DemoIT.java");
    ran("README.md", "A run", 1, T + "conformance/ReadmeRunTest.java");
    ran("README.md", "A run", 2, T + "conformance/ReadmeRunTest.java");
    ran("README.md", "A run", 3, T + "conformance/ReadmeRunTest.java");
    ran("README.md", "Write a worker", 1, T + "conformance/ReadmeWorkerTest.java");
    ran("README.md", "Write a worker", 2, T + "conformance/ReadmeWorkerTest.java");
    ran("README.md", "Write a worker", 3, T + "conformance/ReadmeWorkerTest.java");
    ran("README.md", "Write a worker", 4, T + "conformance/ReadmeWorkerTest.java");
    ran("README.md", "Write a worker", 5, T + "conformance/ReadmeWorkerTest.java");
    ran("README.md", "Worker protocol", 1, T + "reports/WorkerContractTest.java");
    ran("README.md", "Managed mode: attempts as Kubernetes Jobs", 1, T + "deploy/HelmChartIT.java");
    ran(
        "README.md",
        "On call: manual actions with kubectl",
        1,
        T + "controller/ManualActionsTest.java");
    ran(
        "README.md",
        "On call: manual actions with kubectl",
        2,
        T + "oncall/KubectlPluginTest.java");
    ran("README.md", "Install with Helm", 1, T + "deploy/InstallCommandTest.java");
    ran(
        "docs/no-work-done-twice.md",
        "Ask the service before retrying",
        1,
        T + "external/ExternalServiceTest.java");
    ran(
        "docs/no-work-done-twice.md",
        "N active runs per key",
        1,
        T + "concurrency/ConcurrencyKeyTest.java");
    ran("docs/operations.md", "Install with Helm", 1, T + "deploy/InstallCommandTest.java");
    ran("docs/operations.md", "Scaling out: shards", 1, T + "deploy/ShardedReleasesTest.java");
    ran("docs/performance.md", "Method", 1, T + "text/LongRunCommandsTest.java");
    ran(
        "docs/performance.md",
        "2026-12-02: a slower machine (issue #20)",
        1,
        T + "text/LongRunCommandsTest.java");
    ran(
        "docs/performance.md",
        "2026-12-02: a slower machine (issue #20)",
        2,
        T + "text/LongRunCommandsTest.java");
    ran("docs/reliability.md", "", 1, T + "text/LongRunCommandsTest.java");
    ran(
        "docs/security.md",
        "Managed mode: a run with a template is a pod",
        1,
        T + "execution/ManagedExecutionTest.java");
    ran(
        "docs/security.md",
        "Managed mode: a run with a template is a pod",
        2,
        T + "deploy/HelmChartIT.java");
    for (int i = 1; i <= 4; i++) {
      ran(
          "docs/worker-contract.md",
          "The protocol with kubectl",
          i,
          T + "reports/WorkerContractTest.java");
    }
    ran("sdk/python/README.md", "", 1, "sdk/python/tests/test_readme.py");
    ran("sdk/python/README.md", "The command wrapper", 1, "sdk/python/tests/test_readme.py");
    RUNNERS.put(
        new Block("docs/design/lifecycle.md", "One decision", 1),
        new Runner(null, "the decision core's signature, in words: nothing to type or run"));
  }

  @Test
  void everyBlockOfTheDocsIsRunByATestThatReadsItsDocument() throws IOException {
    Map<Block, String> blocks = blocksOfTheProjectsDocuments();

    assertThat(blocks.keySet())
        .as("blocks of the README and docs; each needs a test that runs it, listed here")
        .containsExactlyInAnyOrderElementsOf(RUNNERS.keySet());
    for (var e : RUNNERS.entrySet()) {
      Runner runner = e.getValue();
      if (runner.source() == null) {
        assertThat(runner.notACommand()).isNotBlank();
        continue;
      }
      Path source = TestCluster.projectDir().resolve(runner.source());
      assertThat(source).as("the test of " + e.getKey()).exists();
      String text = Files.readString(source);
      Block block = e.getKey();
      assertThat(text)
          .as("%s reads %s from its document", runner.source(), block)
          .contains(documentNameAsATestWritesIt(block.file()));
      if (!block.section().isEmpty()) {
        assertThat(text).as("%s names its section", runner.source()).contains(block.section());
      }
    }
  }

  /**
   * examples/qualification-run.yaml (applied by FoundationTest and the demo) is the README's run,
   * so what a user copies from either is what the tests apply.
   */
  @Test
  void theExampleRunIsTheReadmesRun() throws IOException {
    String example =
        Files.readString(TestCluster.projectDir().resolve("examples/qualification-run.yaml"));
    String withoutHeader = example.substring(example.indexOf("apiVersion:"));
    assertThat(withoutHeader).isEqualTo(Readme.blocks("A run").get(0));
  }

  /** README.md is read by {@code Readme.blocks(heading)}; every other file by its path. */
  private static String documentNameAsATestWritesIt(String file) {
    if (file.equals("README.md")) return "Readme.";
    if (file.startsWith("sdk/python/")) return "README.md";
    return file;
  }

  /** The fenced blocks of every tracked Markdown file, keyed by where they are. */
  static Map<Block, String> blocksOfTheProjectsDocuments() throws IOException {
    Path root = TestCluster.projectDir();
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"));
        Stream<Path> sdks = Files.walk(root.resolve("sdk"))) {
      Stream.concat(docs, sdks)
          .filter(p -> p.toString().endsWith(".md"))
          .filter(p -> !p.toString().contains("node_modules"))
          .sorted()
          .forEach(files::add);
    }
    Map<Block, String> blocks = new LinkedHashMap<>();
    for (Path file : files) {
      String name = root.relativize(file).toString();
      String section = "";
      int index = 0;
      StringBuilder body = null;
      for (String line : Files.readAllLines(file)) {
        if (body != null) {
          if (line.startsWith("```")) {
            blocks.put(new Block(name, section, ++index), body.toString());
            body = null;
          } else {
            body.append(line).append('\n');
          }
        } else if (line.startsWith("## ")) {
          section = line.substring(3);
          index = 0;
        } else if (line.startsWith("```")) {
          body = new StringBuilder();
        }
      }
      assertThat(body).as(name + " closes every block").isNull();
    }
    return blocks;
  }
}
