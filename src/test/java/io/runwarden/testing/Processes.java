package io.runwarden.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command run to its end, its output (stdout and stderr together) read from a file. */
public final class Processes {

  public record Result(int exit, String out) {}

  private Processes() {}

  public static Result run(String... command) {
    return run(TestCluster.projectDir(), Map.of(), command);
  }

  /**
   * @param env set on top of this JVM's environment
   */
  public static Result run(Path dir, Map<String, String> env, String... command) {
    try {
      // A file, not a pipe: a full pipe would block the command and the test with it.
      Path out = Files.createTempFile("process", ".out");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
