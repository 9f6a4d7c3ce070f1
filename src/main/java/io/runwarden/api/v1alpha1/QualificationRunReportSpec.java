package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * What the operator offers workers: the open attempt and where it resumes. Written only by the
 * operator, once when the run is accepted and once each time a new attempt opens.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QualificationRunReportSpec {

  @JsonPropertyDescription(
      "The attempt open to workers (the run's status.attempt). Claim it by writing this number"
          + " into status.attempt; a report for any other attempt is ignored, and writes that test"
          + " this field fail once a newer attempt is open.")
  @Min(1)
  private Integer attempt;

  @JsonPropertyDescription(
      "Where the open attempt resumes: the last checkpoint reported by an earlier attempt (with"
          + " spec.resume FromCheckpoint). Absent: start from scratch.")
  @Size(max = WorkerReport.MAX_CHECKPOINT)
  private String checkpoint;

  @JsonPropertyDescription("Work items already done when the open attempt starts (resume only).")
  @Min(0)
  @Max(1_000_000_000_000L)
  private Long completed;

  @JsonPropertyDescription("The external service's job id an earlier attempt reported, if any.")
  @Size(max = 253)
  private String serviceJobId;

  @JsonPropertyDescription(
      "The heartbeat timeout in force for this run (spec.timeouts.heartbeat or the operator"
          + " default). Heartbeat at a fraction of it, e.g. a third.")
  @Size(max = 32)
  private String heartbeatTimeout;

  public Integer getAttempt() {
    return attempt;
  }

  public void setAttempt(Integer attempt) {
    this.attempt = attempt;
  }

  public String getCheckpoint() {
    return checkpoint;
  }

  public void setCheckpoint(String checkpoint) {
    this.checkpoint = checkpoint;
  }

  public Long getCompleted() {
    return completed;
  }

  public void setCompleted(Long completed) {
    this.completed = completed;
  }

  public String getServiceJobId() {
    return serviceJobId;
  }

  public void setServiceJobId(String serviceJobId) {
    this.serviceJobId = serviceJobId;
  }

  public String getHeartbeatTimeout() {
    return heartbeatTimeout;
  }

  public void setHeartbeatTimeout(String heartbeatTimeout) {
    this.heartbeatTimeout = heartbeatTimeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QualificationRunReportSpec other
        && Objects.equals(attempt, other.attempt)
        && Objects.equals(checkpoint, other.checkpoint)
        && Objects.equals(completed, other.completed)
        && Objects.equals(serviceJobId, other.serviceJobId)
        && Objects.equals(heartbeatTimeout, other.heartbeatTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(attempt, checkpoint, completed, serviceJobId, heartbeatTimeout);
  }
}
