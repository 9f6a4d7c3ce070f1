package io.runwarden.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.runwarden.metrics.Leadership;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * Leader election (a Lease; only the leader reconciles) when runwarden.leader-election.enabled is
 * true, as the Helm chart sets it. The Operator SDK extension picks this bean up in the prod
 * profile. A standby is alive and ready, and reconciles nothing until it leads (docs/operations.md,
 * "Health and metrics"; LeaderFailoverIT checks it).
 *
 * <p>A leader that loses its lease while running exits, so two operators never reconcile the same
 * runs. The Operator SDK does that with System.exit, which blocks forever when the loss is our own
 * graceful shutdown (it runs inside the JVM's shutdown hook): a pod would then hang until killed.
 * So the exit is skipped when we are already stopping.
 */
public class LeaderElection {

  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(RunwardenConfig config, Leadership leadership) {
    RunwardenConfig.LeaderElection le = config.leaderElection();
    if (!le.enabled()) {
      return null;
    }
    leadership.electing();
    return new LeaderElectionConfiguration(
        le.leaseName(),
        le.leaseNamespace().orElse(null),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        le.identity().orElse(null),
        new LeaderCallbacks(
            leadership::started,
            () -> {
              leadership.stopped();
              stoppedLeading();
            },
            leader -> {}),
        false);
  }

  private void stoppedLeading() {
    if (jvmShuttingDown()) {
      LOG.info("Released the leader lease on shutdown");
      return;
    }
    LOG.error("Lost the leader lease: exiting so that only the new leader reconciles");
    System.exit(1);
  }

  /** The JVM refuses new shutdown hooks once it has begun shutting down. */
  private static boolean jvmShuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
