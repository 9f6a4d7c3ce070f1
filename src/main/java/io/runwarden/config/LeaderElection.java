package io.runwarden.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Leader election (a Lease; only the leader reconciles) when runwarden.leader-election.enabled is
 * true, as the Helm chart sets it. Standbys stay alive and unready until they lead.
 */
public class LeaderElection {

  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "runwarden.leader-election.enabled", defaultValue = "false")
          boolean enabled,
      @ConfigProperty(
              name = "runwarden.leader-election.lease-name",
              defaultValue = "runwarden-operator")
          String leaseName,
      @ConfigProperty(name = "runwarden.leader-election.lease-namespace")
          Optional<String> leaseNamespace) {
    if (!enabled) {
      return null;
    }
    return new LeaderElectionConfiguration(leaseName, leaseNamespace.orElse(null));
  }
}
