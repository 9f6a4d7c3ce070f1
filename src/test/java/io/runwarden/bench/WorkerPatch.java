package io.runwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.runwarden.lifecycle.Times;
import io.runwarden.testing.TestWorker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/** A simulated worker's claim and reports, the way the README tells workers to send them. */
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
   * The README's claim: read the run's report, then replace its whole status under the
   * resourceVersion read (a JSON patch), sent asynchronously straight through the client's HTTP
   * stack. At most {@link #MAX_IN_FLIGHT} requests are on the wire; the rest wait their turn.
   *
   * @return whether the API server accepted the claim
   */
  static CompletableFuture<Boolean> claim(
      KubernetesClient client, String namespace, String run, String worker, int attempt) {
    HttpClient http = client.getHttpClient();
    HttpRequest read = http.newHttpRequestBuilder().uri(url(client, namespace, run, false)).build();
    return queued(http, read)
        .thenCompose(
            body -> {
              if (body == null) {
                return CompletableFuture.completedFuture(false);
              }
              JsonNode report = client.getKubernetesSerialization().unmarshal(body, JsonNode.class);
              if (report.path("spec").path("attempt").asInt() != attempt) {
                return CompletableFuture.completedFuture(false);
              }
              Map<String, Object> status = new LinkedHashMap<>();
              status.put("attempt", attempt);
              status.put("worker", worker);
              status.put("heartbeatAt", Times.format(Instant.now()));
              List<Map<String, Object>> ops =
                  List.of(
                      TestWorker.op(
                          "replace",
                          "/metadata/resourceVersion",
                          report.path("metadata").path("resourceVersion").asText()),
                      TestWorker.op("add", "/status", status));
              return patch(client, namespace, run, ops).thenApply(ok -> ok != null);
            });
  }

  /**
   * The README's report: a JSON patch of the report's status, fenced on (attempt, worker) and
   * stamped with {@code heartbeatAt}.
   *
   * @return whether the API server accepted it
   */
  static CompletableFuture<Boolean> report(
      KubernetesClient client,
      String namespace,
      String run,
      String worker,
      int attempt,
      Map<String, Object> fields,
      Instant heartbeatAt) {
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(TestWorker.op("test", "/spec/attempt", attempt));
    ops.add(TestWorker.op("test", "/status/worker", worker));
    ops.add(TestWorker.op("add", "/status/heartbeatAt", Times.format(heartbeatAt)));
    fields.forEach((k, v) -> ops.add(TestWorker.op("add", "/status/" + k, v)));
    return patch(client, namespace, run, ops).thenApply(ok -> ok != null);
  }

  private static CompletableFuture<String> patch(
      KubernetesClient client, String namespace, String run, List<Map<String, Object>> ops) {
    HttpClient http = client.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(url(client, namespace, run, true))
            .method(
                "PATCH",
                "application/json-patch+json",
                client.getKubernetesSerialization().asJson(ops))
            .build();
    return queued(http, request);
  }

  private static String url(KubernetesClient client, String namespace, String run, boolean status) {
    return client.getMasterUrl()
        + "apis/runwarden.io/v1alpha1/namespaces/"
        + namespace
        + "/qualificationrunreports/"
        + run
        + (status ? "/status" : "");
  }

  /** Sends when a permit is free; completes with the body of a 2xx answer, else null. */
  private static CompletableFuture<String> queued(HttpClient http, HttpRequest request) {
    CompletableFuture<String> answer = new CompletableFuture<>();
    waiting.add(
        () ->
            http.sendAsync(request, String.class)
                .handle(
                    (response, error) ->
                        error == null && response.isSuccessful() ? response.body() : null)
                .whenComplete(
                    (body, error) -> {
                      inFlight.release();
                      drain();
                      answer.complete(body);
                    }));
    drain();
    return answer;
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
