package io.runwarden.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The requests the library sends, recorded by a stand-in for the API server that answers every read
 * and write alike. Narrow on purpose: what the writes do is the conformance suite's, against a real
 * API server; this counts them, which an API server's watch cannot (it does not see reads).
 */
class RequestsTest {

  static final String GROUP = "/apis/runwarden.io/v1alpha1";
  static final String REPORT =
      "/apis/runwarden.io/v1alpha1/namespaces/team-a/qualificationrunreports/batch-7";
  static final String RUN =
      "/apis/runwarden.io/v1alpha1/namespaces/team-a/qualificationruns/batch-7";

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String runStatus = "{\"phase\":\"Running\",\"attempt\":1}";
  private HttpServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          String path = exchange.getRequestURI().getPath();
          requests.add(exchange.getRequestMethod() + " " + path);
          String body =
              path.equals(GROUP)
                  ? """
                  {"kind":"APIResourceList","groupVersion":"runwarden.io/v1alpha1","resources":[
                   {"name":"qualificationruns","namespaced":true,"kind":"QualificationRun"},
                   {"name":"qualificationrunreports","namespaced":true,
                    "kind":"QualificationRunReport"}]}"""
                  : path.startsWith(RUN)
                      ? """
                  {"apiVersion":"runwarden.io/v1alpha1","kind":"QualificationRun",
                   "metadata":{"name":"batch-7","namespace":"team-a","resourceVersion":"9"},
                   "status":%s}"""
                          .formatted(runStatus)
                      : """
                  {"apiVersion":"runwarden.io/v1alpha1","kind":"QualificationRunReport",
                   "metadata":{"name":"batch-7","namespace":"team-a","resourceVersion":"9"},
                   "spec":{"attempt":1,"heartbeatTimeout":"3s"}}""";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  /** A worker of run team-a/batch-7 on the stand-in. */
  private RunwardenWorker.Builder builder() {
    return RunwardenWorker.builder()
        .client(client)
        .run("batch-7")
        .namespace("team-a")
        .worker("w-1");
  }

  @Test
  void everyReportWriteIsOneRequestAndOnlyTheClaimReads() {
    try (RunwardenWorker worker = builder().progressInterval(Duration.ofMillis(1)).build()) {
      assertThat(worker.claim()).isInstanceOf(Claim.Claimed.class);
      worker.progress(1, "item-1");
      worker.flush();
      worker.progress(2, "item-2");
      worker.flush();
      worker.succeed();
    }

    List<String> onTheReport = requests.stream().filter(r -> r.contains(REPORT)).toList();
    // The claim reads the report once; then the claim, two flushes and the outcome are written,
    // plus any heartbeat that fell due meanwhile: each a single PATCH of the report's status.
    assertThat(onTheReport.get(0)).isEqualTo("GET " + REPORT);
    assertThat(onTheReport.subList(1, onTheReport.size()))
        .hasSizeGreaterThanOrEqualTo(4)
        .containsOnly("PATCH " + REPORT + "/status");
    // Where the kind lives is asked once per client (Fabric8 keeps the answer), not per write.
    assertThat(requests).containsOnlyOnce("GET " + GROUP);
  }

  @Test
  void aSuspendedRunHoldsTheWorkerUntilItIsResumedAndACancellationEndsTheWait() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (RunwardenWorker worker = builder().build()) {
      worker.onSuspension(
          (suspended, reason) -> seen.add(suspended ? "suspended " + reason : "resumed"));
      assertThat(worker.claim()).isInstanceOf(Claim.Claimed.class);
      worker.awaitWhileSuspended(); // not suspended: at once
      runStatus = "{\"phase\":\"Suspended\",\"reason\":\"BudgetExhausted\",\"attempt\":1}";
      until(worker::isSuspended); // the run is read once per heartbeat interval (1 s)
      CountDownLatch resumed = new CountDownLatch(1);
      Thread waiter =
          new Thread(
              () -> {
                try {
                  worker.awaitWhileSuspended();
                  resumed.countDown();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      waiter.start();
      // More than one look at the still suspended run.
      assertThat(resumed.await(1500, TimeUnit.MILLISECONDS)).isFalse();
      runStatus = "{\"phase\":\"Running\",\"attempt\":1}";
      assertThat(resumed.await(5, TimeUnit.SECONDS)).isTrue();
      until(() -> seen.size() == 2); // the listeners run after the waiters are woken
      assertThat(seen).containsExactly("suspended BudgetExhausted", "resumed");

      runStatus = "{\"phase\":\"Suspended\",\"reason\":\"Suspended\",\"attempt\":1}";
      until(worker::isSuspended);
      CompletableFuture<String> outcome =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  worker.awaitWhileSuspended();
                  return "returned";
                } catch (AttemptCancelledException e) {
                  return "AttemptCancelledException";
                } catch (InterruptedException e) {
                  return "interrupted";
                }
              });
      // The run deadline still applies to a suspended run.
      runStatus = "{\"phase\":\"Failed\",\"reason\":\"DeadlineExceeded\",\"attempt\":1}";
      assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo("AttemptCancelledException");
    }
  }

  private static void until(BooleanSupplier what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!what.getAsBoolean()) {
      assertThat(System.nanoTime()).as("not within 5 s").isLessThan(end);
      Thread.sleep(20);
    }
  }
}
