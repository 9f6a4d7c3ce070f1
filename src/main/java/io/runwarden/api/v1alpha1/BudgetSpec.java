package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A spend budget (tokens, dollars, API calls) the run's workers report against. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BudgetSpec {

  /** The largest limit and the largest spend a worker may report. */
  public static final long MAX = 1_000_000_000_000_000L;

  @JsonPropertyDescription(
      "What the run may spend across all its attempts, in unit. Workers report their attempt's"
          + " cumulative spend as status.spent of the run's report.")
  @Required
  @Min(1)
  @Max(MAX)
  private Long limit;

  @JsonPropertyDescription("What is counted, for humans: tokens, usd-cents, requests.")
  @Size(min = 1, max = 32)
  @Pattern("^[A-Za-z][A-Za-z0-9_.-]*$")
  private String unit;

  @JsonPropertyDescription(
      "Fraction of limit at which condition BudgetAtRisk turns true, with a warning event"
          + " (default 0.8).")
  @Min(0)
  @Max(1)
  private Double warnAt;

  @JsonPropertyDescription(
      "At the limit: Fail (default) fails the run BudgetExhausted; Suspend holds it Suspended with"
          + " reason BudgetExhausted (timers paused, the run deadline still applies) until"
          + " spec.budget.limit is raised.")
  private OnExhausted onExhausted;

  public enum OnExhausted {
    Fail,
    Suspend
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

  public Double getWarnAt() {
    return warnAt;
  }

  public void setWarnAt(Double warnAt) {
    this.warnAt = warnAt;
  }

  public OnExhausted getOnExhausted() {
    return onExhausted;
  }

  public void setOnExhausted(OnExhausted onExhausted) {
    this.onExhausted = onExhausted;
  }
}
