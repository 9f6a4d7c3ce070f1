package io.runwarden.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.testing.Readme;
import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's workers ("Write a worker") are the files the conformance suite runs: sdk/java's
 * readme/Worker.java, sdk/typescript's examples/worker.ts, sdk/python's examples/worker.py and
 * examples/worker.sh with the wrapper's command line. The README cannot drift from code that ran.
 */
@Tag("pure")
class ReadmeWorkerTest {

  static final List<String> BLOCKS = Readme.blocks("Write a worker");

  static String file(String path) throws Exception {
    return Files.readString(TestCluster.projectDir().resolve(path));
  }

  @Test
  void theReadmeShowsTheWorkersTheSuiteRuns() throws Exception {
    String java = file("sdk/java/src/test/java/io/runwarden/worker/readme/Worker.java");
    assertThat(BLOCKS.get(0)).isEqualTo(java.substring(java.indexOf('\n') + 1).stripLeading());
    assertThat(BLOCKS.get(1)).isEqualTo(file("sdk/typescript/examples/worker.ts"));
    assertThat(BLOCKS.get(2)).isEqualTo(file("sdk/python/examples/worker.py"));
    assertThat(BLOCKS.get(3)).isEqualTo(file("sdk/python/examples/worker.sh"));
    assertThat(BLOCKS.get(4)).isEqualTo(WorkerConformanceTest.README_WRAPPER_COMMAND + "\n");
  }
}
