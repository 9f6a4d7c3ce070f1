package io.runwarden.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.testing.Readme;
import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's Java worker is sdk/java's readme/Worker.java, which the conformance suite runs and
 * kills: the README cannot drift from code that was run.
 */
@Tag("pure")
class ReadmeWorkerTest {

  @Test
  void theReadmeShowsTheWorkerTheSuiteRuns() throws Exception {
    String file =
        Files.readString(
            TestCluster.projectDir()
                .resolve("sdk/java/src/test/java/io/runwarden/worker/readme/Worker.java"));
    String withoutPackage = file.substring(file.indexOf('\n') + 1).stripLeading();

    assertThat(Readme.blocks("Write a worker").get(0)).isEqualTo(withoutPackage);
  }
}
