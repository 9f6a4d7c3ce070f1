package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Time limits of a run and of each attempt. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Timeouts {

  @JsonPropertyDescription(
      "Overall deadline, counted from the run's creation (status.timeoutAt). When it passes the run"
          + " fails with reason DeadlineExceeded, without retry, whatever else is happening.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  private String run;

  @JsonPropertyDescription(
      "Limit for one attempt, counted from when a worker claims it (status.attemptTimeoutAt)."
          + " Passing it ends the attempt with reason AttemptTimedOut.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  private String attempt;

  @JsonPropertyDescription(
      "How long a new attempt may wait to be claimed by a worker. Passing it ends the attempt"
          + " with reason StartTimeout.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  private String start;

  @JsonPropertyDescription(
      "Longest allowed silence between worker heartbeats (the report's status.heartbeatAt). Longer"
          + " means the attempt is stuck with reason HeartbeatLost.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  private String heartbeat;

  @JsonPropertyDescription(
      "Longest allowed time without the report's status.completed increasing while heartbeats still"
          + " arrive. Longer means the attempt is stuck with reason NoProgress. A slow run that"
          + " keeps advancing is never stuck.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  private String progress;

  public String getRun() {
    return run;
  }

  public void setRun(String run) {
    this.run = run;
  }

  public String getAttempt() {
    return attempt;
  }

  public void setAttempt(String attempt) {
    this.attempt = attempt;
  }

  public String getStart() {
    return start;
  }

  public void setStart(String start) {
    this.start = start;
  }

  public String getHeartbeat() {
    return heartbeat;
  }

  public void setHeartbeat(String heartbeat) {
    this.heartbeat = heartbeat;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }
}
