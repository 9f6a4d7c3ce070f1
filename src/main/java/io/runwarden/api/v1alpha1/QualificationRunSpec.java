package io.runwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** What the user asks for. Everything is optional: omitted values take the operator defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QualificationRunSpec {

  @JsonPropertyDescription(
      "Expected number of work items. Optional: workers may report their own total; the larger"
          + " known value is used to compute progress.")
  @Min(0)
  @Max(1_000_000_000_000L)
  private Long total;

  @JsonPropertyDescription(
      "Time limits. Each is a duration such as 30s, 5m, 2h, 1h30m or 7d. Omitted limits take the"
          + " operator defaults; attempt and progress limits are off unless set.")
  private Timeouts timeouts;

  @JsonPropertyDescription("How failed or stuck attempts are retried.")
  private RetryPolicy retry;

  @JsonPropertyDescription(
      "What the next attempt starts from: FromCheckpoint (default) hands the last reported"
          + " checkpoint to the next attempt; Restart starts clean.")
  private ResumePolicy resume;

  @JsonPropertyDescription(
      "true pauses the run: attempt, start, heartbeat and progress timers stop and no new attempt"
          + " starts. The run deadline (timeouts.run) keeps counting. Set back to false to resume.")
  private Boolean suspend;

  @JsonPropertyDescription(
      "Run each attempt as a Kubernetes Job from this template (managed mode). Without it,"
          + " external workers claim attempts and report through the run's QualificationRunReport. With it,"
          + " heartbeats are optional: the Job's pod is the liveness signal, and if the worker"
          + " heartbeats anyway the heartbeat and progress rules apply too.")
  private AttemptJobSpec job;

  @JsonPropertyDescription(
      "Ask the external service whether the work already finished before retrying an attempt.")
  private ExternalServiceSpec externalService;

  @JsonPropertyDescription("At most one active run per key in the namespace.")
  private ConcurrencySpec concurrency;

  @JsonPropertyDescription(
      "A spend budget (tokens, dollars, API calls) across all attempts: BudgetAtRisk at warnAt,"
          + " then BudgetExhausted.")
  private BudgetSpec budget;

  public BudgetSpec getBudget() {
    return budget;
  }

  public void setBudget(BudgetSpec budget) {
    this.budget = budget;
  }

  @JsonPropertyDescription(
      "How long the run is kept after it succeeded or failed before the garbage collector deletes"
          + " it (e.g. 1h, 7d). Default: the operator's retention for its outcome.")
  @Pattern(Durations.PATTERN)
  @Size(max = Durations.MAX_LENGTH)
  private String ttlAfterFinished;

  public Long getTotal() {
    return total;
  }

  public void setTotal(Long total) {
    this.total = total;
  }

  public Timeouts getTimeouts() {
    return timeouts;
  }

  public void setTimeouts(Timeouts timeouts) {
    this.timeouts = timeouts;
  }

  public RetryPolicy getRetry() {
    return retry;
  }

  public void setRetry(RetryPolicy retry) {
    this.retry = retry;
  }

  public ResumePolicy getResume() {
    return resume;
  }

  public void setResume(ResumePolicy resume) {
    this.resume = resume;
  }

  public ExternalServiceSpec getExternalService() {
    return externalService;
  }

  public void setExternalService(ExternalServiceSpec externalService) {
    this.externalService = externalService;
  }

  public String getTtlAfterFinished() {
    return ttlAfterFinished;
  }

  public void setTtlAfterFinished(String ttlAfterFinished) {
    this.ttlAfterFinished = ttlAfterFinished;
  }

  public ConcurrencySpec getConcurrency() {
    return concurrency;
  }

  public void setConcurrency(ConcurrencySpec concurrency) {
    this.concurrency = concurrency;
  }

  public AttemptJobSpec getJob() {
    return job;
  }

  public void setJob(AttemptJobSpec job) {
    this.job = job;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }
}
