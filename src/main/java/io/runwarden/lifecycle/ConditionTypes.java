package io.runwarden.lifecycle;

/** Positive condition types, so {@code kubectl wait --for=condition=Succeeded} reads naturally. */
public final class ConditionTypes {
  public static final String RUNNING = "Running";
  public static final String STUCK = "Stuck";
  public static final String AT_RISK = "AtRisk";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String QUEUED = "Queued";
  public static final String BUDGET_AT_RISK = "BudgetAtRisk";
  public static final String EXTERNAL_RUNNING = "ExternalRunning";

  private ConditionTypes() {}
}
