package io.runwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.testing.Readme;
import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's two commands ("Two commands"): the first, typed on a machine without a cluster, runs
 * the demo's four stories and then removes everything it started; the second is what CI runs.
 */
class DemoIT {

  private static final List<String> TWO_COMMANDS =
      Readme.commands(Readme.blocks("Two commands").get(0));

  @Test
  void ciRunsTheReadmesTestCommand() throws Exception {
    assertThat(TWO_COMMANDS).hasSize(2);
    List<String> ci = Files.readAllLines(TestCluster.projectDir().resolve(".ci/run"));
    assertThat(ci.get(ci.size() - 1)).isEqualTo(TWO_COMMANDS.get(1));
  }

  @Test
  void theDemoTellsItsFourStoriesAndCleansUp() throws Exception {
    assertThat(TWO_COMMANDS.get(0)).isEqualTo("scripts/run-local.sh");
    Path project = TestCluster.projectDir();
    Path out = project.resolve("target/demo-it.log");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", TWO_COMMANDS.get(0))
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // No cluster: a kubeconfig that points nowhere.
    pb.environment().put("KUBECONFIG", project.resolve("target/no-such-kubeconfig").toString());
    Process demo = pb.start();
    boolean exited = demo.waitFor(6, TimeUnit.MINUTES);
    if (!exited) {
      demo.destroyForcibly();
    }
    String log = Files.readString(out);
    assertThat(exited).as("the demo ends by itself; output:%n%s", log).isTrue();
    assertThat(demo.exitValue()).as(log).isZero();
    String finalTable = log.substring(log.lastIndexOf("What happened:"));
    assertThat(finalTable)
        .containsPattern("demo-success\\s+Succeeded\\s+Succeeded\\s+1")
        .containsPattern("demo-resume\\s+Succeeded\\s+Succeeded\\s+2\\s+item=10")
        .containsPattern("demo-deadline\\s+Failed\\s+DeadlineExceeded")
        .containsPattern("demo-external\\s+Succeeded\\s+CompletedExternally\\s+1");
    assertThat(log).contains("HeartbeatLost").contains("demo stopped");
    assertThat(
            ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(
                    c ->
                        c.contains("LocalApiServer")
                            || c.contains("http.server")
                            || c.contains("-Dquarkus.http.port=0 ")))
        .as("nothing the demo started is left running")
        .isEmpty();
  }
}
