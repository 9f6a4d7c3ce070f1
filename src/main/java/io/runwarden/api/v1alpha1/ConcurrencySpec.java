package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** At most {@code limit} active runs per key in a namespace (the "pre-scrape check"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConcurrencySpec {

  @JsonPropertyDescription(
      "What must not be worked on twice at once, e.g. the portal or dataset the run targets.")
  @Required
  @Size(min = 1, max = 253)
  private String key;

  @JsonPropertyDescription(
      "Forbid (default): a new run waits Pending with condition Queued (and status.queue) while"
          + " limit runs with the key are active, then starts in creation order. Replace: older"
          + " active runs with the key beyond the newest limit are failed with reason Replaced, then"
          + " this one starts. Allow: no limit.")
  private Policy policy;

  @JsonPropertyDescription(
      "How many runs with the key may be active at once (default 1, at most 1000): a semaphore.")
  @Min(1)
  @Max(1000)
  private Integer limit;

  public Integer getLimit() {
    return limit;
  }

  public void setLimit(Integer limit) {
    this.limit = limit;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public Policy getPolicy() {
    return policy;
  }

  public void setPolicy(Policy policy) {
    this.policy = policy;
  }

  public enum Policy {
    Allow,
    Forbid,
    Replace
  }
}
