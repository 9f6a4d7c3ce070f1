package io.runwarden.lifecycle;

/** CamelCase reasons used in status.reason, conditions and events. */
public final class Reasons {
  public static final String ACCEPTED = "Accepted";
  public static final String CLAIMED = "Claimed";
  public static final String SUCCEEDED = "Succeeded";
  public static final String HEARTBEAT_LOST = "HeartbeatLost";
  public static final String NO_PROGRESS = "NoProgress";
  public static final String START_TIMEOUT = "StartTimeout";
  public static final String ATTEMPT_TIMED_OUT = "AttemptTimedOut";
  public static final String WORKER_FAILED = "WorkerFailed";
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
  public static final String RETRIES_EXHAUSTED = "RetriesExhausted";
  public static final String NON_RETRYABLE = "NonRetryable";
  public static final String NO_PROGRESS_ACROSS_ATTEMPTS = "NoProgressAcrossAttempts";
  public static final String DISRUPTED = "Disrupted";
  public static final String DISRUPTIONS_EXHAUSTED = "DisruptionsExhausted";
  public static final String BUDGET_EXHAUSTED = "BudgetExhausted";
  public static final String BUDGET_AT_RISK = "BudgetAtRisk";
  public static final String WITHIN_BUDGET = "WithinBudget";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String RETRY_STARTED = "RetryStarted";
  public static final String SUSPENDED = "Suspended";
  public static final String RESUMED = "Resumed";
  public static final String PROJECTED_PAST_DEADLINE = "ProjectedPastDeadline";
  public static final String ON_TRACK = "OnTrack";
  public static final String QUEUED = "Queued";
  public static final String FORCE_FAILED = "ForceFailed";
  public static final String MANUAL_RETRY = "ManualRetry";
  public static final String REQUEST_REFUSED = "RequestRefused";
  public static final String ADMITTED = "Admitted";
  public static final String REPLACED = "Replaced";
  public static final String COMPLETED_EXTERNALLY = "CompletedExternally";
  public static final String EXTERNAL_RUNNING = "ExternalRunning";
  public static final String EXTERNAL_UNREACHABLE = "ExternalUnreachable";
  public static final String EXTERNAL_CHECKED = "ExternalChecked";

  /** The run's report could not be created or rewritten (a quota, a policy): asked again soon. */
  public static final String REPORT_REFUSED = "ReportRefused";

  private Reasons() {}
}
