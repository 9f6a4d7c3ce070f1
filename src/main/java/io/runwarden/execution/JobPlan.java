package io.runwarden.execution;

import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which attempt Jobs should exist, given the run's new status and what the informers show. Pure and
 * declarative, so it is crash-safe: whatever happened before a restart, the same inputs give the
 * same plan.
 *
 * <ul>
 *   <li>While Pending or Running, the current attempt's Job should exist; in any other phase no Job
 *       should be active.
 *   <li>Everything of any other attempt is deleted, and the current attempt's Job is created only
 *       once nothing of another attempt is left: never two active attempts.
 *   <li>A finished run keeps its last attempt's finished Job (its pod has the logs); the run's
 *       deletion removes it through the owner reference.
 * </ul>
 *
 * @param create the attempt whose Job to create now, if any
 * @param delete attempts whose Job and pods to delete
 */
public record JobPlan(Optional<Integer> create, List<Integer> delete) {

  public static JobPlan plan(QualificationRunStatus next, Map<Integer, ObservedAttempt> observed) {
    Phase phase = next.getPhase();
    Integer current = next.getAttempt();
    boolean active = phase == Phase.Pending || phase == Phase.Running;
    ObservedAttempt mine = current == null ? null : observed.get(current);
    boolean keepForLogs = phase != null && phase.isTerminal() && mine != null && mine.finished();

    List<Integer> delete =
        observed.values().stream()
            .filter(ObservedAttempt::leftovers)
            .map(ObservedAttempt::attempt)
            .filter(a -> !(a.equals(current) && (active || keepForLogs)))
            .toList();
    boolean othersLeft =
        observed.values().stream()
            .anyMatch(o -> o.leftovers() && !Integer.valueOf(o.attempt()).equals(current));
    boolean missing = mine == null || mine.job() == null;
    Optional<Integer> create =
        active && missing && !othersLeft ? Optional.of(current) : Optional.empty();
    return new JobPlan(create, delete);
  }
}
