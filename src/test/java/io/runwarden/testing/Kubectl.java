package io.runwarden.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl against the test cluster: what users type is what the tests type. */
public final class Kubectl {

  public record Result(int exitCode, String stdout, String stderr) {
    public Result assertOk() {
      if (exitCode != 0) {
        throw new AssertionError("kubectl failed (" + exitCode + "): " + stderr + stdout);
      }
      return this;
    }
  }

  private Kubectl() {}

  public static Result run(String... args) {
    return runAs(TestCluster.get().kubeconfig(), args);
  }

  /** As whoever {@code kubeconfig} holds the credentials of (RBAC decides what works). */
  public static Result runAs(Path kubeconfig, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("kubectl");
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.addAll(List.of(args));
    try {
      // Files, not pipes: a full pipe would block kubectl and the test with it.
      Path out = Files.createTempFile("kubectl", ".out");
      Path err = Files.createTempFile("kubectl", ".err");
      try {
        Process p =
            new ProcessBuilder(cmd)
                .directory(TestCluster.projectDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("kubectl timed out: " + cmd);
        }
        return new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run kubectl", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
