package io.runwarden.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.runwarden.lifecycle.Times;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/** A simulated worker's report, the way the README tells workers to send one. */
final class WorkerPatch {

  /**
   * Reports in flight at once, over the whole benchmark. Fabric8's Vert.x client pools up to 8,192
   * connections per host, and an asynchronous send does not wait for a free one: once the API
   * server slows down, every due heartbeat opened a new TLS connection (7,400 of them during a
   * 10,000-run ramp-up), and the handshakes alone saturated the server. Real workers are separate
   * processes with a connection each, not thousands of new handshakes a second.
   */
  private static final int MAX_IN_FLIGHT = 64;

  private static final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private static final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

  private WorkerPatch() {}

  /**
   * One JSON merge patch of status.report, stamped with {@code heartbeatAt} now, sent
   * asynchronously straight through the client's HTTP stack: Fabric8's patch DSL reads the object
   * first, which would double the workers' load. At most {@link #MAX_IN_FLIGHT} are on the wire;
   * the rest wait their turn, stamped as of now, like a worker whose request is slow.
   *
   * @return whether the API server accepted it
   */
  static CompletableFuture<Boolean> send(
      KubernetesClient client, String namespace, String run, Map<String, Object> report) {
    return send(client, namespace, run, report, Instant.now());
  }

  static CompletableFuture<Boolean> send(
      KubernetesClient client,
      String namespace,
      String run,
      Map<String, Object> report,
      Instant heartbeatAt) {
    report.put("heartbeatAt", Times.format(heartbeatAt));
    String url =
        client.getMasterUrl()
            + "apis/runwarden.io/v1alpha1/namespaces/"
            + namespace
            + "/qualificationruns/"
            + run
            + "/status";
    HttpClient http = client.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(url)
            .method(
                "PATCH",
                "application/merge-patch+json",
                client
                    .getKubernetesSerialization()
                    .asJson(Map.of("status", Map.of("report", report))))
            .build();
    CompletableFuture<Boolean> accepted = new CompletableFuture<>();
    waiting.add(
        () ->
            http.sendAsync(request, String.class)
                .handle((response, error) -> error == null && response.isSuccessful())
                .whenComplete(
                    (ok, error) -> {
                      inFlight.release();
                      drain();
                      accepted.complete(ok != null && ok);
                    }));
    drain();
    return accepted;
  }

  /** Starts waiting reports while permits last; whoever frees a permit or queues one calls it. */
  private static void drain() {
    while (!waiting.isEmpty() && inFlight.tryAcquire()) {
      Runnable next = waiting.poll();
      if (next == null) {
        inFlight.release();
        return;
      }
      next.run();
    }
  }
}
