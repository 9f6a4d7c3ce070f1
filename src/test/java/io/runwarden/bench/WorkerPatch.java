package io.runwarden.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.runwarden.lifecycle.Times;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A simulated worker's report, the way the README tells workers to send one. */
final class WorkerPatch {

  private WorkerPatch() {}

  /**
   * One JSON merge patch of status.report, stamped with {@code heartbeatAt} now, sent
   * asynchronously straight through the client's HTTP stack: Fabric8's patch DSL reads the object
   * first, which would double the workers' load.
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
    return http.sendAsync(request, String.class)
        .handle((response, error) -> error == null && response.isSuccessful());
  }
}
