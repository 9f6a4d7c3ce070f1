package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * delay(n) = min(initial * factor^n, max) * (1 - jitter * spread(run, attempt)), never earlier than
 * the worker asked (retryAfter) and never later than the run deadline.
 */
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

  @JsonPropertyDescription(
      "Spread of each delay, 0 to 1 (default 0.1): the delay is shortened by up to this fraction,"
          + " the same for a run and attempt every time, different across runs, so runs that fail"
          + " together do not retry together.")
  @Min(0)
  @Max(1)
  private Double jitter;

  public Double getJitter() {
    return jitter;
  }

  public void setJitter(Double jitter) {
    this.jitter = jitter;
  }

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
