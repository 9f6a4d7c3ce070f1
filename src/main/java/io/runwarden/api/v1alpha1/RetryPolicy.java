package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Retry budget, backoff and which failure reasons are worth retrying. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetryPolicy {

  @JsonPropertyDescription(
      "How many times a failed or stuck attempt is retried before the run fails with reason"
          + " RetriesExhausted. Default 2 (three attempts in all).")
  @Min(0)
  @Max(100)
  private Integer maxRetries;

  @JsonPropertyDescription("Exponential backoff between attempts.")
  private Backoff backoff;

  @JsonPropertyDescription(
      "Reasons that are retried. Default: all of them (HeartbeatLost, NoProgress, StartTimeout,"
          + " AttemptTimedOut, WorkerFailed). A worker failure reported with retryable=false is"
          + " never retried.")
  // Not "on": kubectl reads YAML 1.1, where an unquoted "on:" key is the boolean true, so
  // "retry: {on: [...]}" was refused as an unknown field "true" (found by BadInputIT).
  @Size(max = 16)
  private List<RetryReason> reasons;

  @JsonPropertyDescription(
      "Crash-loop guard (off unless set, 1 to 100): when this many consecutive attempts end"
          + " without getting past the item they started from, the run fails"
          + " NoProgressAcrossAttempts instead of redoing the same work until the budget is gone.")
  @Min(1)
  @Max(100)
  private Integer maxAttemptsWithoutProgress;

  @JsonPropertyDescription(
      "Managed mode: container exit codes (1 to 255) that mean a permanent failure, e.g. [2, 42]:"
          + " an attempt whose container exits with one fails the run NonRetryable at once, the"
          + " exit code in the message.")
  @Size(max = 32)
  private List<Integer> nonRetryableExitCodes;

  public List<Integer> getNonRetryableExitCodes() {
    return nonRetryableExitCodes;
  }

  public void setNonRetryableExitCodes(List<Integer> nonRetryableExitCodes) {
    this.nonRetryableExitCodes = nonRetryableExitCodes;
  }

  @JsonPropertyDescription(
      "Managed mode: attempts ended by a disruption (an evicted or preempted pod, a lost node, the"
          + " attempt's Job deleted by someone else) are retried without using maxRetries, up to"
          + " this many (default 10, 0 to 1000); then the run fails DisruptionsExhausted.")
  @Min(0)
  @Max(1000)
  private Integer maxDisruptions;

  public Integer getMaxDisruptions() {
    return maxDisruptions;
  }

  public void setMaxDisruptions(Integer maxDisruptions) {
    this.maxDisruptions = maxDisruptions;
  }

  public Integer getMaxAttemptsWithoutProgress() {
    return maxAttemptsWithoutProgress;
  }

  public void setMaxAttemptsWithoutProgress(Integer maxAttemptsWithoutProgress) {
    this.maxAttemptsWithoutProgress = maxAttemptsWithoutProgress;
  }

  public Integer getMaxRetries() {
    return maxRetries;
  }

  public void setMaxRetries(Integer maxRetries) {
    this.maxRetries = maxRetries;
  }

  public Backoff getBackoff() {
    return backoff;
  }

  public void setBackoff(Backoff backoff) {
    this.backoff = backoff;
  }

  public List<RetryReason> getReasons() {
    return reasons;
  }

  public void setReasons(List<RetryReason> reasons) {
    this.reasons = reasons;
  }
}
