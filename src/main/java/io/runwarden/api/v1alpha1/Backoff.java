package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** delay(n) = min(initial * factor^n, max), and never later than the run deadline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Backoff {

  @JsonPropertyDescription("Delay before the first retry (default 10s).")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  private String initial;

  @JsonPropertyDescription("Multiplier applied for each further retry (default 2, 1 to 10).")
  @Min(1)
  @Max(10)
  private Double factor;

  @JsonPropertyDescription("Upper bound of the delay (default 10m).")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  private String max;

  public String getInitial() {
    return initial;
  }

  public void setInitial(String initial) {
    this.initial = initial;
  }

  public Double getFactor() {
    return factor;
  }

  public void setFactor(Double factor) {
    this.factor = factor;
  }

  public String getMax() {
    return max;
  }

  public void setMax(String max) {
    this.max = max;
  }
}
