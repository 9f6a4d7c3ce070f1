package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last answer of the external service (spec.externalService). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExternalCheck {

  @JsonPropertyDescription("When the service was asked.")
  private String checkedAt;

  @JsonPropertyDescription("Attempt whose work was asked about.")
  private Integer attempt;

  @JsonPropertyDescription("Job id asked about.")
  private String serviceJobId;

  @JsonPropertyDescription("Completed, Running, Failed, Unknown or Unreachable.")
  private String result;

  @JsonPropertyDescription("What the service said, or why it could not be asked.")
  private String message;

  public String getCheckedAt() {
    return checkedAt;
  }

  public void setCheckedAt(String checkedAt) {
    this.checkedAt = checkedAt;
  }

  public Integer getAttempt() {
    return attempt;
  }

  public void setAttempt(Integer attempt) {
    this.attempt = attempt;
  }

  public String getServiceJobId() {
    return serviceJobId;
  }

  public void setServiceJobId(String serviceJobId) {
    this.serviceJobId = serviceJobId;
  }

  public String getResult() {
    return result;
  }

  public void setResult(String result) {
    this.result = result;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
