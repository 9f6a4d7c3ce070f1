package io.runwarden.api.v1alpha1;

/** Under which credentials a managed attempt's pods run. */
public enum WorkerAccess {
  /** The pod template's own service account (the namespace's default when it names none). */
  Template,
  /**
   * The operator makes a ServiceAccount, a Role allowed only this run's report and a RoleBinding,
   * all owned by the run, and runs every attempt's pods under that account.
   */
  OwnRun
}
