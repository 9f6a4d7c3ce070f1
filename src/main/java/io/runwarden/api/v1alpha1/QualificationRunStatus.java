package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * Observed state of a run, written by the operator alone (server-side apply under its own field
 * manager). Workers never write here: they report in the run's {@link QualificationRunReport}, so a
 * principal that may report cannot change the run's phase, timers, budget or history. Times are RFC
 * 3339.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QualificationRunStatus {

  @JsonPropertyDescription("metadata.generation of the spec this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription("Pending, Running, Retrying, Suspended, Succeeded or Failed.")
  private Phase phase;

  @JsonPropertyDescription(
      "CamelCase reason of the last transition (e.g. HeartbeatLost, DeadlineExceeded).")
  private String reason;

  @JsonPropertyDescription("What happened last and what happens next, for humans.")
  private String message;

  @JsonPropertyDescription("The last attempt failure: the worker's error or the rule that fired.")
  private String lastErrorMessage;

  @JsonPropertyDescription(
      "Current attempt number, from 1. The run's report (QualificationRunReport) opens it to workers.")
  private Integer attempt;

  @JsonPropertyDescription("Retries used so far.")
  private Integer retryCount;

  @JsonPropertyDescription(
      "Attempts ended by a disruption (pod evicted or preempted, node gone, the attempt's Job"
          + " deleted): retried without using the retry budget, up to spec.retry.maxDisruptions.")
  private Integer disruptions;

  @JsonPropertyDescription("Retry budget in force (spec.retry.maxRetries or the operator default).")
  private Integer maxRetries;

  @JsonPropertyDescription("When the operator accepted the run.")
  private String startedAt;

  @JsonPropertyDescription("When the current attempt was created.")
  private String attemptStartedAt;

  @JsonPropertyDescription(
      "When the start/heartbeat/progress timers of the current attempt last (re)started: its claim, or a resume from suspension.")
  private String livenessSince;

  @JsonPropertyDescription("When the run was suspended, while it is.")
  private String suspendedAt;

  @JsonPropertyDescription("Absolute run deadline (creation + spec.timeouts.run).")
  private String timeoutAt;

  @JsonPropertyDescription(
      "Absolute deadline of the current attempt, once claimed, if spec.timeouts.attempt is set.")
  private String attemptTimeoutAt;

  @JsonPropertyDescription(
      "While Pending: when the attempt ends StartTimeout unless a worker claims it (plus the"
          + " liveness grace while the API server is slow).")
  private String startTimeoutAt;

  public String getStartTimeoutAt() {
    return startTimeoutAt;
  }

  public void setStartTimeoutAt(String startTimeoutAt) {
    this.startTimeoutAt = startTimeoutAt;
  }

  @JsonPropertyDescription("When the next attempt starts, while Retrying.")
  private String nextRetryAt;

  @JsonPropertyDescription("When the run reached Succeeded or Failed.")
  private String completedAt;

  @JsonPropertyDescription("Accepted progress of the run.")
  private Progress progress;

  @JsonPropertyDescription("Projected end from the observed progress rate, when total is known.")
  private String estimatedCompletionAt;

  @JsonPropertyDescription(
      "Newest checkpoint reported (while an attempt runs) or handed to the current attempt.")
  private String checkpoint;

  @JsonPropertyDescription(
      "Last service job id a worker reported; the external-service check looks it up.")
  private String serviceJobId;

  @JsonPropertyDescription("Name of the current attempt's Job, in managed mode (spec.job).")
  private String jobName;

  @JsonPropertyDescription("The last answer of spec.externalService, asked before a retry.")
  private ExternalCheck externalCheck;

  @JsonPropertyDescription("Manual requests (annotations) already handled, each exactly once.")
  private HandledRequests requests;

  @JsonPropertyDescription("Spend against spec.budget, across attempts.")
  private BudgetStatus budget;

  public BudgetStatus getBudget() {
    return budget;
  }

  public void setBudget(BudgetStatus budget) {
    this.budget = budget;
  }

  @JsonPropertyDescription("While queued behind spec.concurrency.key: place in the queue, holders.")
  // Nullable: when the operator stops applying it, the 1.20 API server's server-side apply leaves
  // the emptied object as null, which a non-nullable schema refuses (every later write with it).
  @Nullable
  private QueueStatus queue;

  @JsonPropertyDescription("The most recent attempts, newest last (bounded).")
  private List<AttemptRecord> attempts;

  @JsonPropertyDescription("Running, Stuck, AtRisk, Succeeded, Failed; metav1.Condition semantics.")
  private List<Condition> conditions;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getLastErrorMessage() {
    return lastErrorMessage;
  }

  public void setLastErrorMessage(String lastErrorMessage) {
    this.lastErrorMessage = lastErrorMessage;
  }

  public Integer getAttempt() {
    return attempt;
  }

  public void setAttempt(Integer attempt) {
    this.attempt = attempt;
  }

  public QueueStatus getQueue() {
    return queue;
  }

  public void setQueue(QueueStatus queue) {
    this.queue = queue;
  }

  public Integer getDisruptions() {
    return disruptions;
  }

  public void setDisruptions(Integer disruptions) {
    this.disruptions = disruptions;
  }

  public Integer getRetryCount() {
    return retryCount;
  }

  public void setRetryCount(Integer retryCount) {
    this.retryCount = retryCount;
  }

  public Integer getMaxRetries() {
    return maxRetries;
  }

  public void setMaxRetries(Integer maxRetries) {
    this.maxRetries = maxRetries;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getAttemptStartedAt() {
    return attemptStartedAt;
  }

  public void setAttemptStartedAt(String attemptStartedAt) {
    this.attemptStartedAt = attemptStartedAt;
  }

  public String getLivenessSince() {
    return livenessSince;
  }

  public void setLivenessSince(String livenessSince) {
    this.livenessSince = livenessSince;
  }

  public String getSuspendedAt() {
    return suspendedAt;
  }

  public void setSuspendedAt(String suspendedAt) {
    this.suspendedAt = suspendedAt;
  }

  public String getTimeoutAt() {
    return timeoutAt;
  }

  public void setTimeoutAt(String timeoutAt) {
    this.timeoutAt = timeoutAt;
  }

  public String getAttemptTimeoutAt() {
    return attemptTimeoutAt;
  }

  public void setAttemptTimeoutAt(String attemptTimeoutAt) {
    this.attemptTimeoutAt = attemptTimeoutAt;
  }

  public String getNextRetryAt() {
    return nextRetryAt;
  }

  public void setNextRetryAt(String nextRetryAt) {
    this.nextRetryAt = nextRetryAt;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }

  public Progress getProgress() {
    return progress;
  }

  public void setProgress(Progress progress) {
    this.progress = progress;
  }

  public String getEstimatedCompletionAt() {
    return estimatedCompletionAt;
  }

  public void setEstimatedCompletionAt(String estimatedCompletionAt) {
    this.estimatedCompletionAt = estimatedCompletionAt;
  }

  public String getServiceJobId() {
    return serviceJobId;
  }

  public void setServiceJobId(String serviceJobId) {
    this.serviceJobId = serviceJobId;
  }

  public HandledRequests getRequests() {
    return requests;
  }

  public void setRequests(HandledRequests requests) {
    this.requests = requests;
  }

  public ExternalCheck getExternalCheck() {
    return externalCheck;
  }

  public void setExternalCheck(ExternalCheck externalCheck) {
    this.externalCheck = externalCheck;
  }

  public String getJobName() {
    return jobName;
  }

  public void setJobName(String jobName) {
    this.jobName = jobName;
  }

  public String getCheckpoint() {
    return checkpoint;
  }

  public void setCheckpoint(String checkpoint) {
    this.checkpoint = checkpoint;
  }

  public List<AttemptRecord> getAttempts() {
    return attempts;
  }

  public void setAttempts(List<AttemptRecord> attempts) {
    this.attempts = attempts;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
