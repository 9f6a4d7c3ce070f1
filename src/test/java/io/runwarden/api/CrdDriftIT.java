package io.runwarden.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed CRD is exactly what the build generates from the Java model. */
class CrdDriftIT {

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws Exception {
    for (String name : TestCluster.CRD_FILES) {
      committedCrdMatchesTheGeneratedOne(name);
    }
  }

  private void committedCrdMatchesTheGeneratedOne(String name) throws Exception {
    Path generated = TestCluster.projectDir().resolve("target/kubernetes").resolve(name);
    assertThat(Files.readString(TestCluster.crdFile(name)))
        .as(
            "deploy/crds is stale: copy %s to deploy/crds/ (the model changed) and commit it",
            generated)
        .isEqualTo(Files.readString(generated));
  }
}
