package io.runwarden.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * Plays a worker with exactly the JSON patches of the documented {@code claim} and {@code report}
 * (docs/worker-contract.md, "The protocol with kubectl"; {@link WorkerProtocolIT} runs the
 * documented shell functions and checks that they send what this class sends): the claim replaces
 * the report's whole status under a resourceVersion precondition, every later write tests {@code
 * spec.attempt} and {@code status.worker}.
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

  /** The run's report, once the operator has opened an attempt in it. */
  public QualificationRunReport report() {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                    .resources(QualificationRunReport.class)
                    .inNamespace(namespace)
                    .withName(run)
                    .get(),
            r -> r != null && r.getSpec() != null && r.getSpec().getAttempt() != null);
  }

  /** Claims the open attempt; throws on a 409 if another writer got there first. */
  public int claim() {
    QualificationRunReport r = report();
    int attempt = r.getSpec().getAttempt();
    claimAt(r.getMetadata().getResourceVersion(), attempt);
    return attempt;
  }

  /** Claims {@code attempt} as of a report version read earlier: a 409 if anything wrote since. */
  public void claimAt(String resourceVersion, int attempt) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("attempt", attempt);
    status.put("worker", name);
    status.put("heartbeatAt", now());
    patch(
        List.of(
            op("replace", "/metadata/resourceVersion", resourceVersion),
            op("add", "/status", status)));
  }

  public void heartbeat(int attempt, Long completed, String checkpoint) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (completed != null) fields.put("completed", completed);
    if (checkpoint != null) fields.put("checkpoint", checkpoint);
    report(attempt, fields);
  }

  public void reportServiceJob(int attempt, String serviceJobId) {
    report(attempt, Map.of("serviceJobId", serviceJobId));
  }

  public void succeed(int attempt, long completed) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("completed", completed);
    fields.put("outcome", "Succeeded");
    report(attempt, fields);
  }

  public void fail(int attempt, String error, boolean retryable) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("outcome", "Failed");
    fields.put("error", error);
    fields.put("retryable", retryable);
    report(attempt, fields);
  }

  /** The README's {@code report}: fenced on (attempt, worker), always with a heartbeat. */
  public void report(int attempt, Map<String, Object> fields) {
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(op("test", "/spec/attempt", attempt));
    ops.add(op("test", "/status/worker", name));
    ops.add(op("add", "/status/heartbeatAt", now()));
    fields.forEach((k, v) -> ops.add(op("add", "/status/" + k, v)));
    patch(ops);
  }

  private static String now() {
    return Instant.now().toString();
  }

  /** One JSON-patch operation, as the README's {@code claim} and {@code report} send them. */
  public static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.put("path", path);
    m.put("value", value);
    return m;
  }

  private void patch(List<Map<String, Object>> ops) {
    client
        .resources(QualificationRunReport.class)
        .inNamespace(namespace)
        // An identity, not withName: Fabric8 would read the report before each write otherwise.
        .resource(identity())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(ops));
  }

  private QualificationRunReport identity() {
    QualificationRunReport r = new QualificationRunReport();
    r.getMetadata().setName(run);
    r.getMetadata().setNamespace(namespace);
    return r;
  }
}
