package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.HeartbeatLoop;
import io.runwarden.testing.LaggingProxy;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API server stops answering the workers while the operator's own requests go through (its
 * priority and fairness queues the tenants' flow, or the network between the workers and it fails):
 * seven claimed runs heartbeat every 500 ms through a proxy, with a 5 s heartbeat limit, and the
 * proxy holds every byte for 6 s. Judged one by one, all seven were silent past their limit and
 * failed; the operator's own writes were fast, so the slow-API-server grace saw nothing. With most
 * runs silent at once the limits get their own length again ({@code CrowdSilence}): the six whose
 * workers live on keep running, and the one whose worker died during the hold is still failed once
 * the others talk again.
 */
class CrowdSilenceIT {

  static final Duration HOLD = Duration.ofSeconds(6);

  private final KubernetesClient client = TestCluster.get().client();
  private final String ns = TestCluster.get().newNamespace("crowd");
  private final Runs runs = new Runs(client, ns);

  @Test
  void aCrowdSilentAtOnceIsNotFailedAndAWorkerThatDiedIsStillCaught() throws Exception {
    Path kubeconfig = TestCluster.get().kubeconfig();
    List<HeartbeatLoop> loops = new ArrayList<>();
    try (LaggingProxy proxy =
            LaggingProxy.slowServer(LaggingProxy.serverPort(kubeconfig), Duration.ZERO);
        OperatorProcess operator =
            OperatorProcess.start(
                "-Dquarkus.operator-sdk.controllers.qualificationrun.namespaces=" + ns);
        KubernetesClient workers = workerClient(proxy.kubeconfig(kubeconfig))) {
      List<String> names = List.of("h0", "h1", "h2", "h3", "h4", "h5", "dies");
      for (String name : names) create(name);
      for (String name : names) {
        runs.awaitPhase(name, Phase.Pending);
        int attempt = new TestWorker(client, ns, name, "w-" + name).claim();
        loops.add(
            new HeartbeatLoop(new TestWorker(workers, ns, name, "w-" + name), attempt, 500, 0, 1));
      }
      for (String name : names) runs.awaitPhase(name, Phase.Running);

      loops.get(names.indexOf("dies")).close();
      proxy.holdFor(HOLD);
      // The operator sees the crowd go quiet (past half the limit) and gives its grace.
      await().atMost(HOLD).until(() -> operator.metric("runwarden_silent_crowds") > 0);

      QualificationRunStatus dead =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> runs.get("dies").getStatus(), s -> s.getPhase() == Phase.Failed);
      assertThat(dead.getReason()).isEqualTo(Reasons.RETRIES_EXHAUSTED);
      assertThat(dead.getMessage()).contains("No heartbeat");
      // Every living worker's limit passes several times over while they talk again.
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(7))
          .until(() -> names.stream().limit(6).allMatch(n -> phase(n) == Phase.Running));
      for (String name : names.subList(0, 6)) {
        assertThat(runs.get(name).getStatus().getRetryCount()).as(name).isZero();
      }
    } finally {
      loops.forEach(HeartbeatLoop::close);
    }
  }

  /**
   * The workers' client gives up on a request at once, as the README's loop does (its next
   * heartbeat is the retry): Fabric8's default retries a failed request with a backoff that grows
   * to tens of seconds inside one call, and a worker stuck in it is silent for real.
   */
  private static KubernetesClient workerClient(Path kubeconfig) throws java.io.IOException {
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    config.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private Phase phase(String name) {
    QualificationRun r = runs.get(name);
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }

  private void create(String name) {
    QualificationRun run = RunFixtures.run(name, ns);
    run.getSpec().getTimeouts().setRun("10m");
    run.getSpec().getTimeouts().setStart("2m");
    run.getSpec().getTimeouts().setHeartbeat("5s");
    run.getSpec().setRetry(new RetryPolicy());
    run.getSpec().getRetry().setMaxRetries(0);
    client.resource(run).create();
  }
}
