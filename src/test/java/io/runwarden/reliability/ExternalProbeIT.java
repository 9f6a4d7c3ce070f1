package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Backoff;
import io.runwarden.api.v1alpha1.ExternalServiceSpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.FakeService;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #9, security: the external probe calls URLs that run authors choose, so it follows no
 * redirects and calls only allow-listed hosts; Secret header values are sent but never appear in
 * the operator's log, the run or its events. The operator runs under the chart's RBAC with Secret
 * access enabled and an allow-list of 127.0.0.1.
 */
class ExternalProbeIT {

  private static final KubernetesClient client = TestCluster.get().client();
  private static OperatorProcess operator;
  private static String ns;

  @BeforeAll
  static void start() {
    String opNs = TestCluster.get().newNamespace("probe-op");
    var kubeconfig = ChartRbac.install("probe", opNs, Map.of("externalService.secretAccess", true));
    ns = TestCluster.get().newNamespace("probe");
    operator =
        OperatorProcess.startWith(
            kubeconfig,
            "-Drunwarden.external.allowed-hosts=127.0.0.1",
            "-Drunwarden.external.allowed-networks=127.0.0.1/32");
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  @Test
  void redirectsAreNotFollowed() {
    try (FakeService service = new FakeService()) {
      service.state("job-1", "completed");
      abandon("redirected", service.redirectingUrl(), e -> {});
      QualificationRunStatus s = awaitStatus("redirected", st -> st.getAttempt() == 2);
      assertThat(s.getExternalCheck().getMessage()).contains("redirect");
      assertThat(service.requests()).as("the redirect target was never called").isEmpty();
    }
  }

  @Test
  void hostsOffTheAllowListAreNeverCalled() {
    try (FakeService service = new FakeService()) {
      service.state("job-1", "completed");
      abandon("off-list", service.urlViaLocalhost(), e -> {});
      QualificationRunStatus s = awaitStatus("off-list", st -> st.getAttempt() == 2);
      assertThat(s.getExternalCheck().getMessage()).contains("localhost");
      assertThat(service.requests()).isEmpty();
    }
  }

  @Test
  void secretHeaderValuesAreSentButNeverLogged() throws Exception {
    client.resource(RunFixtures.probeHeaders(ns, "llm-api", "Bearer s3cr3t-t0ken")).create();
    try (FakeService service = new FakeService()) {
      service.state("job-1", "completed");
      abandon(
          "authed",
          service.url(),
          e -> {
            var ref = new ExternalServiceSpec.SecretRef();
            ref.setName("llm-api");
            e.setSecretRef(ref);
          });
      QualificationRunStatus s = awaitStatus("authed", st -> st.getPhase() == Phase.Succeeded);
      assertThat(s.getReason()).isEqualTo(Reasons.COMPLETED_EXTERNALLY);
      assertThat(service.requests())
          .anySatisfy(
              h -> assertThat(h.get("Authorization")).containsExactly("Bearer s3cr3t-t0ken"));
      assertThat(Files.readString(operator.log())).contains("authed").doesNotContain("s3cr3t");
    }
  }

  /** Claims attempt 1, names service job "job-1", goes silent: the retry asks the service. */
  private static void abandon(String name, String url, Consumer<ExternalServiceSpec> customize) {
    QualificationRun run = RunFixtures.run(name, ns);
    QualificationRunSpec spec = run.getSpec();
    spec.getTimeouts().setRun("2m");
    spec.getTimeouts().setHeartbeat("1s");
    RetryPolicy retry = new RetryPolicy();
    retry.setMaxRetries(2);
    Backoff b = new Backoff();
    b.setInitial("200ms");
    retry.setBackoff(b);
    spec.setRetry(retry);
    ExternalServiceSpec e = new ExternalServiceSpec();
    e.setStatusUrl(url);
    customize.accept(e);
    spec.setExternalService(e);
    client.resource(run).create();
    awaitStatus(name, st -> st.getPhase() == Phase.Pending);
    TestWorker worker = new TestWorker(client, ns, name, "w-1");
    worker.reportServiceJob(worker.claim(), "job-1");
  }

  private static QualificationRunStatus awaitStatus(
      String name, java.util.function.Predicate<QualificationRunStatus> condition) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              QualificationRun r =
                  client.resources(QualificationRun.class).inNamespace(ns).withName(name).get();
              return r == null ? null : r.getStatus();
            },
            s -> s != null && condition.test(s));
  }
}
