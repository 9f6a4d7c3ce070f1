package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the run has spent of spec.budget, across attempts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BudgetStatus {

  @JsonPropertyDescription("Spent by all attempts so far (earlier attempts plus the current one).")
  private Long spent;

  @JsonPropertyDescription("Spent by the attempts that have ended: what a retry starts from.")
  private Long spentByEarlierAttempts;

  @JsonPropertyDescription("spec.budget.limit in force.")
  private Long limit;

  @JsonPropertyDescription("spec.budget.unit.")
  private String unit;

  @JsonPropertyDescription("spent/limit for humans, e.g. '200000/250000 tokens'.")
  private String summary;

  public Long getSpent() {
    return spent;
  }

  public void setSpent(Long spent) {
    this.spent = spent;
  }

  public Long getSpentByEarlierAttempts() {
    return spentByEarlierAttempts;
  }

  public void setSpentByEarlierAttempts(Long spentByEarlierAttempts) {
    this.spentByEarlierAttempts = spentByEarlierAttempts;
  }

  public Long getLimit() {
    return limit;
  }

  public void setLimit(Long limit) {
    this.limit = limit;
  }

  public String getUnit() {
    return unit;
  }

  public void setUnit(String unit) {
    this.unit = unit;
  }

  public String getSummary() {
    return summary;
  }

  public void setSummary(String summary) {
    this.summary = summary;
  }
}
