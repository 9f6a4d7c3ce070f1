package io.runwarden.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A worker that is the documented shell: {@code scripts/worker-protocol.sh} sourced in bash, then
 * one of the documented command lines (docs/worker-contract.md), with the real kubectl against the
 * test cluster.
 */
public final class ShellWorker {

  public record Result(int exitCode, String stdout, String stderr) {}

  private final Path kubeconfig;
  private final String namespace;
  private final String run;
  private final String worker;
  private Integer attempt;

  public ShellWorker(Path kubeconfig, String namespace, String run, String worker) {
    this.kubeconfig = kubeconfig;
    this.namespace = namespace;
    this.run = run;
    this.worker = worker;
  }

  /** Runs the README's {@code claim}; on success remembers the attempt it claimed ({@code $A}). */
  public Result claim() {
    Result r = run("claim && echo \"$A\"");
    if (r.exitCode() == 0) {
      attempt = Integer.parseInt(r.stdout().strip());
    }
    return r;
  }

  public Integer attempt() {
    return attempt;
  }

  /** Pretends to be the worker of {@code attempt} (a zombie that once claimed it). */
  public ShellWorker as(int attempt) {
    this.attempt = attempt;
    return this;
  }

  /** Runs one command line, as the README writes it, after sourcing the protocol functions. */
  public Result run(String command) {
    Path script = TestCluster.projectDir().resolve("scripts/worker-protocol.sh");
    String bash = "set -u; source '" + script + "'; " + command;
    ProcessBuilder pb =
        new ProcessBuilder(List.of("bash", "-c", bash))
            .directory(TestCluster.projectDir().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("NS", namespace);
    env.put("R", run);
    env.put("W", worker);
    if (attempt != null) {
      env.put("A", attempt.toString());
    }
    try {
      Path out = Files.createTempFile("worker", ".out");
      Path err = Files.createTempFile("worker", ".err");
      try {
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("worker command timed out: " + command);
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
      throw new AssertionError("cannot run bash", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
