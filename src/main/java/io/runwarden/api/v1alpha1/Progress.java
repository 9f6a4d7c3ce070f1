package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Progress as the operator has accepted it from worker reports (clamped, never decreasing). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Progress {

  @JsonPropertyDescription("Work items done.")
  private Long completed;

  @JsonPropertyDescription("Work items in all, when known.")
  private Long total;

  @JsonPropertyDescription("completed / total in percent (0-100), when total is known.")
  private Integer percent;

  @JsonPropertyDescription("completed/total for kubectl get, e.g. 7/120.")
  private String summary;

  @JsonPropertyDescription(
      "When completed last increased (or when the attempt was claimed): the NoProgress clock.")
  private String lastProgressAt;

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

  public Integer getPercent() {
    return percent;
  }

  public void setPercent(Integer percent) {
    this.percent = percent;
  }

  public String getSummary() {
    return summary;
  }

  public void setSummary(String summary) {
    this.summary = summary;
  }

  public String getLastProgressAt() {
    return lastProgressAt;
  }

  public void setLastProgressAt(String lastProgressAt) {
    this.lastProgressAt = lastProgressAt;
  }
}
