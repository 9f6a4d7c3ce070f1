package io.runwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command on a machine without a cluster: the demo runs its four stories and
 * then removes everything it started.
 */
class DemoIT {

  @Test
  void theDemoTellsItsFourStoriesAndCleansUp() throws Exception {
    Path project = TestCluster.projectDir();
    Path out = project.resolve("target/demo-it.log");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "scripts/run-local.sh")
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
