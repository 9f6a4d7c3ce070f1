package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/**
 * What the worker of an attempt says: the status of the run's {@link QualificationRunReport},
 * written by the worker and never by the operator. The operator reads it only when {@code attempt}
 * equals the attempt open in the report's spec and the run's status.attempt: the fencing token that
 * keeps a zombie attempt from changing the run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkerReport {

  public static final int MAX_CHECKPOINT = 32 * 1024;

  @JsonPropertyDescription(
      "The attempt this report belongs to. A claim writes spec.attempt here, replacing the whole"
          + " status under a resourceVersion precondition; reports for any other attempt are"
          + " ignored.")
  @Min(1)
  private Integer attempt;

  @JsonPropertyDescription(
      "Identity of the worker that claimed the attempt (pod name, host, ...). Later writes test it,"
          + " so a worker that lost the claim cannot report.")
  @Size(min = 1, max = 253)
  private String worker;

  @JsonPropertyDescription(
      "RFC 3339 time of the worker's last heartbeat. Times in the future count as now.")
  @Size(max = 64)
  private String heartbeatAt;

  @JsonPropertyDescription("Work items done so far (counted across attempts when resuming).")
  @Min(0)
  @Max(1_000_000_000_000L)
  private Long completed;

  @JsonPropertyDescription("Work items in all, when the worker knows better than spec.total.")
  @Min(0)
  @Max(1_000_000_000_000L)
  private Long total;

  @JsonPropertyDescription("Free text for humans about what the worker is doing.")
  @Size(max = 1024)
  private String message;

  @JsonPropertyDescription(
      "Opaque resume point (at most 32 KiB). Handed to the next attempt (the report's"
          + " spec.checkpoint) when the run's spec.resume is FromCheckpoint.")
  @Size(max = MAX_CHECKPOINT)
  private String checkpoint;

  @JsonPropertyDescription(
      "Id of the job on the external service this attempt drives, so Runwarden can ask the"
          + " service whether the work already finished before retrying.")
  @Size(max = 253)
  private String serviceJobId;

  @JsonPropertyDescription(
      "With outcome Failed: no retry before this, a duration from the report (30s, 5m) or an RFC"
          + " 3339 time (a rate-limited API: not before 14:05). Never past the run deadline.")
  @Size(max = 64)
  private String retryAfter;

  @JsonPropertyDescription(
      "What this attempt has spent so far against spec.budget (cumulative, in spec.budget.unit;"
          + " each attempt counts from 0, the run adds earlier attempts' spend). Never lowered: a"
          + " smaller value than one already seen is ignored.")
  @Min(0)
  @Max(BudgetSpec.MAX)
  private Long spent;

  public Long getSpent() {
    return spent;
  }

  public void setSpent(Long spent) {
    this.spent = spent;
  }

  public String getRetryAfter() {
    return retryAfter;
  }

  public void setRetryAfter(String retryAfter) {
    this.retryAfter = retryAfter;
  }

  @JsonPropertyDescription("Set once, when the attempt ends: Succeeded or Failed.")
  private Outcome outcome;

  @JsonPropertyDescription("What went wrong, when outcome is Failed.")
  @Size(max = 4096)
  private String error;

  @JsonPropertyDescription(
      "With outcome Failed: false means retrying cannot help (the run fails with reason"
          + " NonRetryable). Omitted counts as true.")
  private Boolean retryable;

  public Integer getAttempt() {
    return attempt;
  }

  public void setAttempt(Integer attempt) {
    this.attempt = attempt;
  }

  public String getWorker() {
    return worker;
  }

  public void setWorker(String worker) {
    this.worker = worker;
  }

  public String getHeartbeatAt() {
    return heartbeatAt;
  }

  public void setHeartbeatAt(String heartbeatAt) {
    this.heartbeatAt = heartbeatAt;
  }

  public Long getCompleted() {
    return completed;
  }

  public void setCompleted(Long completed) {
    this.completed = completed;
  }

  public Long getTotal() {
    return total;
  }

  public void setTotal(Long total) {
    this.total = total;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getCheckpoint() {
    return checkpoint;
  }

  public void setCheckpoint(String checkpoint) {
    this.checkpoint = checkpoint;
  }

  public String getServiceJobId() {
    return serviceJobId;
  }

  public void setServiceJobId(String serviceJobId) {
    this.serviceJobId = serviceJobId;
  }

  public Outcome getOutcome() {
    return outcome;
  }

  public void setOutcome(Outcome outcome) {
    this.outcome = outcome;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }

  public Boolean getRetryable() {
    return retryable;
  }

  public void setRetryable(Boolean retryable) {
    this.retryable = retryable;
  }
}
