package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;

/**
 * The conditions that follow from the phase, refreshed after every decision: Running, Succeeded and
 * Failed mirror it; Stuck stays true only while the run retries after a stuck attempt (or failed of
 * one); AtRisk is reset when the run ends or has no projection yet.
 */
final class DerivedConditions {

  private DerivedConditions() {}

  static void refresh(Evaluation e) {
    QualificationRunStatus s = e.s;
    Phase phase = s.getPhase();
    String reason = s.getReason() == null ? "Unknown" : s.getReason();
    String message =
        s.getMessage() == null || s.getMessage().isBlank()
            ? "Attempt " + s.getAttempt() + " is " + phase + "."
            : s.getMessage();
    e.condition(ConditionTypes.RUNNING, phase == Phase.Running, reason, message);
    if (!Conditions.isTrue(s.getConditions(), ConditionTypes.STUCK)
        || phase == Phase.Pending
        || phase == Phase.Running
        || phase == Phase.Succeeded) {
      e.condition(
          ConditionTypes.STUCK, false, reason, "Attempt " + s.getAttempt() + " is not stuck.");
    }
    if (Conditions.find(s.getConditions(), ConditionTypes.AT_RISK) == null || phase.isTerminal()) {
      e.condition(
          ConditionTypes.AT_RISK,
          false,
          phase.isTerminal() ? reason : Reasons.ON_TRACK,
          phase.isTerminal() ? "The run has finished." : "No projection past the deadline.");
    }
    e.condition(ConditionTypes.SUCCEEDED, phase == Phase.Succeeded, reason, message);
    e.condition(ConditionTypes.FAILED, phase == Phase.Failed, reason, message);
  }
}
