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
