package io.runwarden.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.lifecycle.Decision;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;
import java.util.Optional;

/**
 * Confirms a decision that ends an attempt against the API server before it is written.
 *
 * <p>Decisions are made from the informer's view of a run. When the API server is saturated its
 * watch runs seconds behind: in the 10,000-run benchmark the operator saw worker reports 1-1.4 s
 * late for ~20 s, and failed a healthy attempt whose last two heartbeats had reached the API server
 * 2.9 s and 1.0 s before the decision. A retry or a failure cannot be taken back, so before one is
 * written the run's report (where workers write) is read again (one GET, only for these rare
 * decisions); if the API server has a newer version, the decision is made again from it.
 */
@ApplicationScoped
public class FreshRead {

  private final KubernetesClient client;

  public FreshRead(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Whether {@code decision} ends the current attempt or the run, or asks the external service
   * before a retry: the decisions a late worker report could have prevented.
   */
  public static boolean needed(QualificationRun run, Decision decision) {
    Phase before = run.getStatus() == null ? null : run.getStatus().getPhase();
    Phase after = decision.status().getPhase();
    boolean endsAttempt = after != before && (after == Phase.Retrying || after == Phase.Failed);
    return endsAttempt || decision.externalCheck().isPresent();
  }

  /**
   * The run's report as the API server has it now, when that is a later version than {@code seen}
   * (the informer's, or null when the informer has none).
   */
  public Optional<QualificationRunReport> newerReport(
      QualificationRun run, QualificationRunReport seen) {
    QualificationRunReport current =
        client
            .resources(QualificationRunReport.class)
            .inNamespace(run.getMetadata().getNamespace())
            .withName(run.getMetadata().getName())
            .get();
    if (current == null) {
      return Optional.empty();
    }
    boolean newer =
        seen == null
            || !Objects.equals(current.getMetadata().getUid(), seen.getMetadata().getUid())
            || OwnWrites.newer(current, seen);
    return newer ? Optional.of(current) : Optional.empty();
  }
}
