package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The last value of each one-shot request annotation the operator has handled. A request is applied
 * when its annotation holds a value different from the one recorded here, so re-applying the same
 * value does nothing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HandledRequests {

  @JsonPropertyDescription("Last handled value of the runwarden.io/retry-now annotation.")
  private String retryNow;

  @JsonPropertyDescription("Last handled value of the runwarden.io/force-fail annotation.")
  private String forceFail;

  @JsonPropertyDescription("Manual retries granted so far (they do not use spec.retry.maxRetries).")
  private Integer manualRetries;

  public String getRetryNow() {
    return retryNow;
  }

  public void setRetryNow(String retryNow) {
    this.retryNow = retryNow;
  }

  public String getForceFail() {
    return forceFail;
  }

  public void setForceFail(String forceFail) {
    this.forceFail = forceFail;
  }

  public Integer getManualRetries() {
    return manualRetries;
  }

  public void setManualRetries(Integer manualRetries) {
    this.manualRetries = manualRetries;
  }
}
