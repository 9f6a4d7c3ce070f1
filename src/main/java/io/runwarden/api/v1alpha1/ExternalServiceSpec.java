package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * The service the work runs on (an LLM batch API, a scraping service). Before a retry, Runwarden
 * asks it whether the job the last attempt reported (the report's status.serviceJobId) already
 * finished, so finished work is never done twice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExternalServiceSpec {

  @JsonPropertyDescription(
      "http(s) URL answering with JSON. Placeholders: {serviceJobId}, {run}, {namespace},"
          + " {attempt} (URL-encoded). Redirects are not followed.")
  @Required
  @Size(max = 2048)
  @Pattern("^https?://[^\\s]+$")
  private String statusUrl;

  @JsonPropertyDescription(
      "Secret in the run's namespace whose keys are sent as HTTP headers (e.g. Authorization)."
          + " Values never appear in status, events or logs.")
  private SecretRef secretRef;

  @JsonPropertyDescription("Request timeout (default 5s, at most 30s).")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  private String timeout;

  @JsonPropertyDescription(
      "Dotted path of the JSON field holding the job's state, e.g. status or data.state"
          + " (default status).")
  @Size(max = 253)
  @Pattern("^[A-Za-z0-9_-]+([.][A-Za-z0-9_-]+)*$")
  private String statusField;

  @JsonPropertyDescription(
      "Values meaning the work finished (default completed, succeeded, done; case-insensitive).")
  @Size(max = 16)
  private List<String> completedValues;

  @JsonPropertyDescription(
      "Values meaning it is still going (default running, in_progress, queued, pending,"
          + " validating, finalizing).")
  @Size(max = 16)
  private List<String> runningValues;

  @JsonPropertyDescription(
      "Values meaning it failed (default failed, error, cancelled, expired). Failed and"
          + " unrecognised answers mean: retry as usual.")
  @Size(max = 16)
  private List<String> failedValues;

  @JsonPropertyDescription(
      "When the service cannot be reached: Retry as usual (default), Wait and ask again later,"
          + " or Fail the run with reason ExternalUnreachable.")
  private OnUnreachable onUnreachable;

  public String getStatusUrl() {
    return statusUrl;
  }

  public void setStatusUrl(String statusUrl) {
    this.statusUrl = statusUrl;
  }

  public SecretRef getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretRef secretRef) {
    this.secretRef = secretRef;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public String getStatusField() {
    return statusField;
  }

  public void setStatusField(String statusField) {
    this.statusField = statusField;
  }

  public List<String> getCompletedValues() {
    return completedValues;
  }

  public void setCompletedValues(List<String> completedValues) {
    this.completedValues = completedValues;
  }

  public List<String> getRunningValues() {
    return runningValues;
  }

  public void setRunningValues(List<String> runningValues) {
    this.runningValues = runningValues;
  }

  public List<String> getFailedValues() {
    return failedValues;
  }

  public void setFailedValues(List<String> failedValues) {
    this.failedValues = failedValues;
  }

  public OnUnreachable getOnUnreachable() {
    return onUnreachable;
  }

  public void setOnUnreachable(OnUnreachable onUnreachable) {
    this.onUnreachable = onUnreachable;
  }

  public enum OnUnreachable {
    Retry,
    Wait,
    Fail
  }

  /** A Secret in the run's namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretRef {
    @JsonPropertyDescription("Name of the Secret.")
    @Required
    @Size(max = 253)
    private String name;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }
}
