package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** At most one active run per key in a namespace (the "pre-scrape check"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConcurrencySpec {

  @JsonPropertyDescription(
      "What must not be worked on twice at once, e.g. the portal or dataset the run targets.")
  @Required
  @Size(min = 1, max = 253)
  private String key;

  @JsonPropertyDescription(
      "Forbid (default): a new run waits Pending with condition Queued while an older run with the"
          + " key is active, then starts in creation order. Replace: older active runs with the"
          + " key are failed with reason Replaced, then this one starts. Allow: no limit.")
  private Policy policy;

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
