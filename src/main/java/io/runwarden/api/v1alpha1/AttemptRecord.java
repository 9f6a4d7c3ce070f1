package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One finished (or current) attempt in the bounded history. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AttemptRecord {

  @JsonPropertyDescription("Attempt number, from 1.")
  private Integer attempt;

  @JsonPropertyDescription("Worker that claimed the attempt, if any.")
  private String worker;

  @JsonPropertyDescription("When the attempt was created.")
  private String startedAt;

  @JsonPropertyDescription("When the attempt ended.")
  private String finishedAt;

  @JsonPropertyDescription("Succeeded or Failed.")
  private Outcome outcome;

  @JsonPropertyDescription("Why it ended (e.g. HeartbeatLost, WorkerFailed).")
  private String reason;

  @JsonPropertyDescription("Work items done when it ended.")
  private Long completed;

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

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getFinishedAt() {
    return finishedAt;
  }

  public void setFinishedAt(String finishedAt) {
    this.finishedAt = finishedAt;
  }

  public Outcome getOutcome() {
    return outcome;
  }

  public void setOutcome(Outcome outcome) {
    this.outcome = outcome;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public Long getCompleted() {
    return completed;
  }

  public void setCompleted(Long completed) {
    this.completed = completed;
  }
}
