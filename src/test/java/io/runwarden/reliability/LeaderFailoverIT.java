package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.Runs;
import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue #9: two replicas with leader election under the chart's RBAC. Only the leader reconciles;
 * when it is killed (SIGKILL, so it cannot hand the lease over) the standby takes over within the
 * lease duration and carries on.
 *
 * <p>And issue #25, shards: the two replicas are release A, watching only its namespace (the
 * chart's watchNamespaces: Roles there only); release B, another operator with its own lease,
 * serves another namespace. While A has no leader, B judges its runs on time and nobody touches
 * A's; each knows only its own runs.
 */
class LeaderFailoverIT {

  /** JOSDK's defaults, which the operator uses: lease 15 s, retry every 2 s. */
  static final Duration LEASE = Duration.ofSeconds(15);

  static final Duration RETRY = Duration.ofSeconds(2);

  private final KubernetesClient client = TestCluster.get().client();

  @Test
  void theStandbyTakesOverWithinTheLeaseAndNeverReconcilesBeforeThen() throws Exception {
    String opNs = TestCluster.get().newNamespace("ha-op");
    String ns = TestCluster.get().newNamespace("ha");
    Path kubeconfig = ChartRbac.install("ha", opNs, Map.of("watchNamespaces[0]", ns));
    String shardOpNs = TestCluster.get().newNamespace("shard-op");
    String shardNs = TestCluster.get().newNamespace("shard");
    Path shardKubeconfig =
        ChartRbac.install("shard", shardOpNs, Map.of("watchNamespaces[0]", shardNs));
    // Shard B starts beside A's first replica.
    CompletableFuture<OperatorProcess> shard =
        CompletableFuture.supplyAsync(
            () -> OperatorProcess.startWith(shardKubeconfig, props(shardOpNs, shardNs, "shard-0")));
    OperatorProcess a = OperatorProcess.startWith(kubeconfig, props(opNs, ns, "ha-a"));
    await().atMost(Duration.ofSeconds(30)).until(() -> "ha-a".equals(holder(opNs)));
    try (OperatorProcess other = shard.join();
        OperatorProcess b = OperatorProcess.startWith(kubeconfig, props(opNs, ns, "ha-b"))) {
      create(ns, "before");
      await().atMost(Duration.ofSeconds(30)).until(() -> phase(ns, "before") == Phase.Pending);
      // The reconcile timer records once the reconcile has returned, just after its status write.
      await().atMost(Duration.ofSeconds(10)).until(() -> reconciles(a) > 0);
      assertThat(reconciles(b))
          .as("the standby reconciles nothing while the leader lives")
          .isZero();

      Instant killed = Instant.now();
      a.kill();
      create(ns, "after");
      // Shard B, meanwhile: a run nobody claims fails StartTimeout on time (3 s, no retry).
      QualificationRun unclaimed = RunFixtures.run("unclaimed", shardNs);
      unclaimed.getSpec().getTimeouts().setStart("3s");
      unclaimed.getSpec().setRetry(RunFixtures.retry(0));
      client.resource(unclaimed).create();
      QualificationRun judged = new Runs(client, shardNs).awaitPhase("unclaimed", Phase.Failed);
      assertThat(Duration.between(killed, Instant.parse(judged.getStatus().getCompletedAt())))
          .as("shard B judged its run (3 s start limit) while shard A had no leader")
          .isLessThan(Duration.ofSeconds(10));
      // Within 10 s of the kill A's lease has not run out (15 s from its last renewal, at most 2 s
      // before the kill): A's run has not been seen by anyone.
      assertThat(phase(ns, "after"))
          .as("nobody but A's leader serves A's namespace: B neither watches it nor may write it")
          .isNull();
      assertThat(other.metrics())
          .contains("namespace=\"" + shardNs + "\"")
          .doesNotContain("namespace=\"" + ns + "\"");
      await()
          .atMost(LEASE.plus(RETRY).plus(Duration.ofSeconds(10)))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> "ha-b".equals(holder(opNs)));
      Duration takeover = Duration.between(killed, Instant.now());
      await().atMost(Duration.ofSeconds(15)).until(() -> phase(ns, "after") == Phase.Pending);
      Duration serving = Duration.between(killed, Instant.now());
      String text =
          String.format(
              java.util.Locale.ROOT,
              "failover: lease taken over %.1f s after SIGKILL of the leader, first run accepted"
                  + " by the new leader after %.1f s (lease %d s)%n",
              takeover.toMillis() / 1000.0,
              serving.toMillis() / 1000.0,
              LEASE.toSeconds());
      System.out.print(text);
      Path out = TestCluster.projectDir().resolve("target/reliability");
      Files.createDirectories(out);
      Files.writeString(out.resolve("failover.txt"), text);

      // The dead leader's lease runs out up to 15 s after the kill (it renewed up to one retry
      // period before); the standby tries every retry period with Fabric8's jitter (up to x1.2).
      // Measured 15.0-18.0 s on a loaded 2-core machine.
      assertThat(takeover)
          .isLessThanOrEqualTo(LEASE.plus(RETRY.multipliedBy(2)).plus(Duration.ofSeconds(2)));
      assertThat(reconciles(b)).isPositive();
      assertThat(phase(ns, "before"))
          .as("the run the old leader accepted is carried on, not restarted")
          .isEqualTo(Phase.Pending);
    } finally {
      a.close();
    }
  }

  private static String[] props(String opNs, String watched, String identity) {
    return new String[] {
      "-Drunwarden.leader-election.enabled=true",
      "-Drunwarden.leader-election.lease-namespace=" + opNs,
      "-Drunwarden.leader-election.identity=" + identity,
      "-Dquarkus.operator-sdk.controllers.qualificationrun.namespaces=" + watched
    };
  }

  private String holder(String opNs) {
    Lease lease = client.leases().inNamespace(opNs).withName("runwarden-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Reconciles this replica has run, from its own Prometheus endpoint. */
  private static double reconciles(OperatorProcess op) {
    return op.metric("operator_sdk_controllers_execution_reconcile_seconds_count");
  }

  private void create(String ns, String name) {
    QualificationRun run = RunFixtures.run(name, ns);
    QualificationRunSpec spec = run.getSpec();
    spec.getTimeouts().setStart("10m");
    client.resource(run).create();
  }

  private Phase phase(String ns, String name) {
    QualificationRun r =
        client.resources(QualificationRun.class).inNamespace(ns).withName(name).get();
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }
}
