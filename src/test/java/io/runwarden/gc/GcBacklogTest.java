package io.runwarden.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.Timeouts;
import io.runwarden.informer.RunCache;
import io.runwarden.testing.KubeApiServerResource;
import io.runwarden.testing.TestCluster;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A backlog of 1,000 expired runs is collected while live runs keep their deadlines: the sweep runs
 * on its own thread at its own pace and never crowds out reconciliation.
 *
 * <p>1,000 at 100 deletions a second keep the sweep going for 10 s, past the live runs' 3 s
 * deadlines, as 2,000 at 200 a second did; the backlog's size beyond that only made the operator
 * accept and fail twice as many runs first (83 s of a 20-minute CI).
 */
@QuarkusTest
@WithTestResource(value = KubeApiServerResource.class, scope = TestResourceScope.GLOBAL)
class GcBacklogTest {

  private static final Logger LOG = Logger.getLogger(GcBacklogTest.class);
  private static final int BACKLOG = 1_000;
  private final KubernetesClient client = TestCluster.get().client();
  @Inject RunCollector collector;
  @Inject RunCache runCache;

  @Test
  void aThousandExpiredRunsAreCollectedWithoutDelayingLiveDeadlines() throws Exception {
    String ns = TestCluster.get().newNamespace("backlog");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < BACKLOG; i++) {
        String name = "old-" + i;
        created.add(pool.submit(() -> create(ns, name, "1s", "1s")));
      }
      for (Future<?> f : created) f.get();
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> failedCount(ns) == BACKLOG);
      // The sweep chooses from the operator's informer cache, which may trail the API server.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  runCache
                          .runs()
                          .filter(r -> ns.equals(r.getMetadata().getNamespace()))
                          .filter(r -> r.getStatus() != null)
                          .filter(r -> r.getStatus().getPhase() == Phase.Failed)
                          .count()
                      == BACKLOG);

      Instant sweepStart = Instant.now();
      CompletableFuture<RunCollector.Summary> sweep =
          CompletableFuture.supplyAsync(
              () -> collector.sweep(Instant.now().plusSeconds(5), false, 100), pool);

      // Live runs whose deadlines fall while the sweep deletes.
      for (int i = 0; i < 5; i++) {
        create(ns, "live-" + i, "3s", null);
      }
      Map<String, Duration> lateness = new HashMap<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                for (int i = 0; i < 5; i++) {
                  String name = "live-" + i;
                  if (lateness.containsKey(name)) continue;
                  QualificationRun r =
                      client.resources(QualificationRun.class).inNamespace(ns).withName(name).get();
                  if (r.getStatus() != null && r.getStatus().getPhase() == Phase.Failed) {
                    lateness.put(
                        name,
                        Duration.between(
                            Instant.parse(r.getStatus().getTimeoutAt()), Instant.now()));
                  }
                }
                return lateness.size() == 5;
              });
      assertThat(sweep.isDone())
          .as("the live deadlines fell while the sweep was running")
          .isFalse();
      RunCollector.Summary summary = sweep.get();
      LOG.infof(
          "backlog: %d deleted in %s; live deadline lateness %s",
          summary.deleted(), Duration.between(sweepStart, Instant.now()), lateness);
      assertThat(summary.deleted()).isEqualTo(BACKLOG);
      assertThat(lateness.values())
          .allSatisfy(l -> assertThat(l).isLessThanOrEqualTo(Duration.ofSeconds(1)));
      assertThat(client.resources(QualificationRun.class).inNamespace(ns).list().getItems())
          .extracting(r -> r.getMetadata().getName())
          .allMatch(n -> n.startsWith("live-"));
    } finally {
      pool.shutdownNow();
    }
  }

  private void create(String ns, String name, String runTimeout, String ttl) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    QualificationRunSpec spec = new QualificationRunSpec();
    spec.setTimeouts(new Timeouts());
    spec.getTimeouts().setRun(runTimeout);
    spec.setTtlAfterFinished(ttl);
    run.setSpec(spec);
    client.resource(run).create();
  }

  private long failedCount(String ns) {
    return client.resources(QualificationRun.class).inNamespace(ns).list().getItems().stream()
        .filter(r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.Failed)
        .count();
  }
}
