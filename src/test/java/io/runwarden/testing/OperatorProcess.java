package io.runwarden.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}) as its own JVM against the
 * test cluster, the way it runs in production: start, wait for readiness, stop or kill -9.
 */
public final class OperatorProcess implements AutoCloseable {

  /**
   * Operator flag: progress is mirrored into the status at every report instead of at most every
   * runwarden.progress-refresh (15 s by default), for tests whose assertions on mirrored progress
   * must not wait for or race that throttle.
   */
  public static final String MIRROR_PROGRESS_AT_ONCE = "-Drunwarden.progress-refresh=1ms";

  private static int started;

  private final Process process;
  private final int port;
  private final Path log;
  private final long startedNanos = System.nanoTime();
  private Duration readyAfter;

  private OperatorProcess(Path kubeconfig, List<String> extraArgs) {
    Path jar = TestCluster.projectDir().resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: integration tests run after package");
    }
    this.port = freePort();
    this.log = TestCluster.projectDir().resolve("target/operator-" + (++started) + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dquarkus.http.port=" + port);
    cmd.addAll(extraArgs);
    cmd.add("-jar");
    cmd.add(jar.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the operator and waits until its readiness probe says so. */
  public static OperatorProcess start(String... systemProperties) {
    return startWith(TestCluster.get().kubeconfig(), systemProperties);
  }

  /** With another identity, e.g. a service account token bound to the Helm chart's RBAC. */
  public static OperatorProcess startWith(Path kubeconfig, String... systemProperties) {
    OperatorProcess op = new OperatorProcess(kubeconfig, List.of(systemProperties));
    op.awaitReady();
    return op;
  }

  /** Starts the operator without waiting for anything: for tests of its start-up itself. */
  public static OperatorProcess launch(Path kubeconfig, String... systemProperties) {
    return new OperatorProcess(kubeconfig, List.of(systemProperties));
  }

  /**
   * The HTTP status of a GET of {@code path} on the operator's port, or -1 when nothing answers
   * (the port is not open yet).
   */
  public int status(String path) {
    try {
      return HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(1))
          .build()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The process' exit status once it has exited on its own within {@code within}. */
  public int awaitExit(Duration within) {
    await().atMost(within).until(() -> !process.isAlive());
    return process.exitValue();
  }

  public void awaitReady() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .failFast("operator exited, see " + log, () -> !process.isAlive())
        .until(() -> status("/q/health/ready") == 200);
    if (readyAfter == null) {
      readyAfter = Duration.ofNanos(System.nanoTime() - startedNanos);
    }
  }

  /** From process start to the first ready answer (polled every 100 ms). */
  public Duration readyAfter() {
    return readyAfter;
  }

  public long pid() {
    return process.pid();
  }

  /** The operator's Prometheus page (/q/metrics). */
  public String metrics() {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One series summed over its label sets (0 when the operator has not registered it yet). */
  public double metric(String series) {
    return metric(series, "");
  }

  /** One series summed over the label sets that carry {@code label} ({@code name="value"}). */
  public double metric(String series, String label) {
    return metrics()
        .lines()
        .filter(l -> l.startsWith(series + "{") || l.startsWith(series + " "))
        .filter(l -> l.contains(label))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** SIGKILL: no shutdown hooks, no graceful anything. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** SIGTERM: the graceful path Kubernetes takes on a pod deletion. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      waitForExit();
    }
  }

  private void waitForExit() {
    await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
