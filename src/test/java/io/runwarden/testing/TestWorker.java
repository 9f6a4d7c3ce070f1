package io.runwarden.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.runwarden.api.v1alpha1.QualificationRun;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plays a worker the way the README tells real workers to: JSON merge patches of {@code
 * status.report} through the status subresource, the claim guarded by a resourceVersion.
 */
public final class TestWorker {

  private final KubernetesClient client;
  private final String namespace;
  private final String run;
  private final String name;

  public TestWorker(KubernetesClient client, String namespace, String run, String name) {
    this.client = client;
    this.namespace = namespace;
    this.run = run;
    this.name = name;
  }

  public QualificationRun current() {
    return client.resources(QualificationRun.class).inNamespace(namespace).withName(run).get();
  }

  /** Claims the current attempt; throws on a 409 if another writer got there first. */
  public int claim() {
    QualificationRun r = current();
    int attempt = r.getStatus().getAttempt();
    claimAt(r.getMetadata().getResourceVersion(), attempt);
    return attempt;
  }

  /** Claims {@code attempt} as of a run version read earlier: a 409 if anything wrote since. */
  public void claimAt(String resourceVersion, int attempt) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("attempt", attempt);
    report.put("worker", name);
    report.put("heartbeatAt", Instant.now().toString());
    patch(resourceVersion, report);
  }

  public void heartbeat(int attempt, Long completed, String checkpoint) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("attempt", attempt);
    report.put("heartbeatAt", Instant.now().toString());
    if (completed != null) report.put("completed", completed);
    if (checkpoint != null) report.put("checkpoint", checkpoint);
    patch(null, report);
  }

  public void reportServiceJob(int attempt, String serviceJobId) {
    patch(
        null,
        Map.of(
            "attempt", attempt,
            "heartbeatAt", Instant.now().toString(),
            "serviceJobId", serviceJobId));
  }

  public void succeed(int attempt, long completed) {
    patch(
        null,
        Map.of(
            "attempt",
            attempt,
            "heartbeatAt",
            Instant.now().toString(),
            "completed",
            completed,
            "outcome",
            "Succeeded"));
  }

  public void fail(int attempt, String error, boolean retryable) {
    patch(
        null,
        Map.of(
            "attempt", attempt,
            "heartbeatAt", Instant.now().toString(),
            "outcome", "Failed",
            "error", error,
            "retryable", retryable));
  }

  private void patch(String resourceVersion, Map<String, Object> report) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (resourceVersion != null) {
      body.put("metadata", Map.of("resourceVersion", resourceVersion));
    }
    body.put("status", Map.of("report", report));
    client
        .resources(QualificationRun.class)
        .inNamespace(namespace)
        .withName(run)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            client.getKubernetesSerialization().asJson(body));
  }
}
