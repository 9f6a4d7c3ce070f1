package io.runwarden.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * kube-controller-manager, built from the same Debian source as the test API server, running only
 * its Job controller with default client limits (--kube-api-qps 20, --kube-api-burst 30).
 */
final class KubeControllerManager implements AutoCloseable {

  private final Process process;

  KubeControllerManager(Path binaryDir, Path kubeconfig, Path log) {
    Path binary = binaryDir.resolve("kube-controller-manager");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          binary + " is missing: scripts/kube-binaries.sh builds it (the build runs it)");
    }
    try {
      process =
          new ProcessBuilder(
                  List.of(
                      binary.toString(),
                      "--kubeconfig=" + kubeconfig,
                      "--controllers=job",
                      "--leader-elect=false",
                      "--port=0",
                      "--secure-port=0"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
  }
}
