package io.runwarden.lifecycle;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.runwarden.api.v1alpha1.Backoff;
import io.runwarden.api.v1alpha1.BudgetSpec;
import io.runwarden.api.v1alpha1.ExternalServiceSpec;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.ResumePolicy;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.api.v1alpha1.RetryReason;
import io.runwarden.api.v1alpha1.Timeouts;
import io.runwarden.text.UserText;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** A run's spec with every default filled in and every value checked. */
public record RunPolicy(
    Duration run,
    Optional<Duration> attempt,
    Duration start,
    Optional<Duration> heartbeat,
    Optional<Duration> progress,
    int maxRetries,
    Duration backoffInitial,
    double backoffFactor,
    Duration backoffMax,
    double jitter,
    Optional<Integer> maxAttemptsWithoutProgress,
    Set<Integer> nonRetryableExitCodes,
    int maxDisruptions,
    Set<RetryReason> retryOn,
    ResumePolicy resume,
    boolean suspend,
    Long total,
    Optional<SpendLimit> budget,
    ExternalServiceSpec external,
    Duration externalTimeout) {

  /** The longest a probe may take. */
  public static final Duration MAX_EXTERNAL_TIMEOUT = Duration.ofSeconds(30);

  /** The shortest timeout (timeouts.*, externalService.timeout, ttlAfterFinished). */
  public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

  /** How much each retry delay is spread when the spec says nothing (spec.retry.backoff.jitter). */
  public static final double DEFAULT_JITTER = 0.1;

  /**
   * Disruptions retried outside the budget when the spec says nothing (spec.retry.maxDisruptions).
   */
  public static final int DEFAULT_MAX_DISRUPTIONS = 10;

  /** The shortest backoff. */
  public static final Duration MIN_BACKOFF = Duration.ofMillis(100);

  /**
   * @throws InvalidSpecException naming the first field that cannot be honoured
   */
  public static RunPolicy resolve(QualificationRunSpec spec, LifecycleDefaults d) {
    QualificationRunSpec s = spec == null ? new QualificationRunSpec() : spec;
    Timeouts t = s.getTimeouts() == null ? new Timeouts() : s.getTimeouts();
    RetryPolicy r = s.getRetry() == null ? new RetryPolicy() : s.getRetry();
    Backoff b = r.getBackoff() == null ? new Backoff() : r.getBackoff();

    Limits l = new Limits(d.maxDuration());
    Duration run = l.timeout("timeouts.run", t.getRun()).orElse(d.run());
    Optional<Duration> attempt = l.timeout("timeouts.attempt", t.getAttempt()).or(d::attempt);
    Duration start = l.timeout("timeouts.start", t.getStart()).orElse(d.start());
    Optional<Duration> heartbeat =
        l.timeout("timeouts.heartbeat", t.getHeartbeat()).or(d::heartbeat);
    Optional<Duration> progress = l.timeout("timeouts.progress", t.getProgress()).or(d::progress);

    int maxRetries = Optional.ofNullable(r.getMaxRetries()).orElse(d.maxRetries());
    check(maxRetries >= 0 && maxRetries <= 100, "retry.maxRetries", "must be between 0 and 100");
    Duration initial =
        l.duration("retry.backoff.initial", b.getInitial(), MIN_BACKOFF).orElse(d.backoffInitial());
    double factor = Optional.ofNullable(b.getFactor()).orElse(d.backoffFactor());
    check(factor >= 1 && factor <= 10, "retry.backoff.factor", "must be between 1 and 10");
    Duration max = l.duration("retry.backoff.max", b.getMax(), MIN_BACKOFF).orElse(d.backoffMax());
    check(
        max.compareTo(initial) >= 0,
        "retry.backoff.max",
        "must not be shorter than spec.retry.backoff.initial");
    double jitter = Optional.ofNullable(b.getJitter()).orElse(DEFAULT_JITTER);
    check(jitter >= 0 && jitter <= 1, "retry.backoff.jitter", "must be between 0 and 1");
    Optional<Integer> withoutProgress = Optional.ofNullable(r.getMaxAttemptsWithoutProgress());
    check(
        withoutProgress.map(n -> n >= 1 && n <= 100).orElse(true),
        "retry.maxAttemptsWithoutProgress",
        "must be between 1 and 100");
    Set<Integer> exitCodes =
        r.getNonRetryableExitCodes() == null
            ? Set.of()
            : new java.util.HashSet<>(r.getNonRetryableExitCodes());
    check(
        exitCodes.stream().allMatch(c -> c != null && c >= 1 && c <= 255),
        "retry.nonRetryableExitCodes",
        "exit codes are between 1 and 255");
    int maxDisruptions = Optional.ofNullable(r.getMaxDisruptions()).orElse(DEFAULT_MAX_DISRUPTIONS);
    check(
        maxDisruptions >= 0 && maxDisruptions <= 1000,
        "retry.maxDisruptions",
        "must be between 0 and 1000");
    Set<RetryReason> on =
        r.getReasons() == null || r.getReasons().isEmpty()
            ? EnumSet.allOf(RetryReason.class)
            : EnumSet.copyOf(r.getReasons().stream().map(requireKnown()).toList());
    check(s.getTotal() == null || s.getTotal() >= 0, "total", "must not be negative");
    Optional<SpendLimit> budget = Optional.ofNullable(s.getBudget()).map(RunPolicy::spendLimit);
    l.timeout("ttlAfterFinished", s.getTtlAfterFinished());
    if (s.getJob() != null) {
      var template = s.getJob().getTemplate();
      var ref = s.getJob().getTemplateRef();
      check(
          template != null || ref != null,
          "job.template",
          "is required (or spec.job.templateRef, a PodTemplate's name)");
      check(
          template == null || ref == null,
          "job.templateRef",
          "set either spec.job.template or spec.job.templateRef, not both");
      check(
          ref == null || (ref.getName() != null && !ref.getName().isBlank()),
          "job.templateRef.name",
          "is required");
      // A referenced template is checked in the same ways when an attempt's Job is made from it.
      if (template != null) {
        templateChecks(template, s.getJob().ownRunAccess(), "job.template");
      }
    }

    return new RunPolicy(
        run,
        attempt,
        start,
        heartbeat,
        progress,
        maxRetries,
        initial,
        factor,
        max,
        jitter,
        withoutProgress,
        exitCodes,
        maxDisruptions,
        on,
        s.getResume() == null ? ResumePolicy.FromCheckpoint : s.getResume(),
        Boolean.TRUE.equals(s.getSuspend()),
        s.getTotal(),
        budget,
        s.getExternalService(),
        external(s.getExternalService(), l));
  }

  /**
   * What every pod template must have, inline or referenced ({@code at} names where it came from).
   *
   * @throws InvalidSpecException naming the field
   */
  public static void templateChecks(PodTemplateSpec template, boolean ownRunAccess, String at) {
    check(
        template.getSpec() != null
            && template.getSpec().getContainers() != null
            && !template.getSpec().getContainers().isEmpty(),
        at + ".spec.containers",
        "at least one container is required");
    // With OwnRun the operator chooses the account; a template naming one would run the
    // attempt under credentials nobody scoped to this run.
    check(
        !ownRunAccess
            || (template.getSpec().getServiceAccountName() == null
                && template.getSpec().getServiceAccount() == null),
        at + ".spec.serviceAccountName",
        "must not be set with spec.job.workerAccess OwnRun: the operator runs the attempt under"
            + " the run's own service account");
  }

  /**
   * Delay before retry number {@code retriesUsed + 1}: initial * factor^retriesUsed, capped at max.
   * Exact in milliseconds, and safe from overflow for any budget the schema allows.
   */
  public Duration backoff(int retriesUsed) {
    double millis = backoffInitial.toMillis() * Math.pow(backoffFactor, retriesUsed);
    if (Double.isInfinite(millis) || millis >= backoffMax.toMillis()) {
      return backoffMax;
    }
    return Duration.ofMillis((long) millis);
  }

  private static Duration external(ExternalServiceSpec e, Limits l) {
    if (e == null) {
      return null;
    }
    check(e.getStatusUrl() != null, "externalService.statusUrl", "is required");
    try {
      // Placeholders are not URI characters; check the URL with them filled in.
      URI uri = new URI(e.getStatusUrl().replaceAll("\\{[a-zA-Z]+}", "x"));
      check(
          "http".equals(uri.getScheme()) || "https".equals(uri.getScheme()),
          "externalService.statusUrl",
          "must be an http or https URL");
      check(uri.getHost() != null, "externalService.statusUrl", "has no host");
    } catch (URISyntaxException ex) {
      // The parser's message repeats the URL; the schema refuses whitespace, but a CRD installed
      // before it did (or edited) would not.
      throw new InvalidSpecException(
          "externalService.statusUrl", "is not a valid URL: " + UserText.escape(ex.getMessage()));
    }
    values("externalService.completedValues", e.getCompletedValues());
    values("externalService.runningValues", e.getRunningValues());
    values("externalService.failedValues", e.getFailedValues());
    Duration timeout =
        l.timeout("externalService.timeout", e.getTimeout()).orElse(Duration.ofSeconds(5));
    check(
        timeout.compareTo(MAX_EXTERNAL_TIMEOUT) <= 0,
        "externalService.timeout",
        "must be at most " + DurationParser.format(MAX_EXTERNAL_TIMEOUT));
    return timeout;
  }

  /** Values the service's answer is compared with, and the only ones ever repeated from it. */
  private static void values(String field, java.util.List<String> values) {
    if (values == null) return;
    check(values.size() <= 16, field, "at most 16 values");
    check(
        values.stream().allMatch(v -> v != null && v.matches("[A-Za-z0-9_.-]{1,64}")),
        field,
        "values are words of letters, digits, '_', '.' or '-', at most 64 characters");
  }

  private static Function<RetryReason, RetryReason> requireKnown() {
    return reason -> {
      // Jackson maps an unknown enum constant to null only when told to; the schema refuses
      // it anyway. A null here means a list entry was explicitly null.
      check(
          reason != null,
          "retry.reasons",
          "entries must be one of " + EnumSet.allOf(RetryReason.class));
      return reason;
    };
  }

  /**
   * Every duration a namespace user can set lies between a floor (a 1 ms heartbeat timeout made one
   * run send 125 probes and 125 status writes in 10 s) and the operator's maxDuration (a
   * 3,710-character retention overflowed the collector's arithmetic).
   */
  private record Limits(Duration max) {

    Optional<Duration> timeout(String field, String text) {
      return duration(field, text, MIN_TIMEOUT);
    }

    Optional<Duration> duration(String field, String text, Duration floor) {
      if (text == null) {
        return Optional.empty();
      }
      Duration value;
      try {
        value = DurationParser.parse(text);
      } catch (IllegalArgumentException e) {
        throw new InvalidSpecException(field, e.getMessage());
      }
      check(value.compareTo(floor) >= 0, field, "must be at least " + DurationParser.format(floor));
      check(
          value.compareTo(max) <= 0,
          field,
          "must be at most " + DurationParser.format(max) + " (the operator's maxDuration)");
      return Optional.of(value);
    }
  }

  private static void check(boolean ok, String field, String problem) {
    if (!ok) {
      throw new InvalidSpecException(field, problem);
    }
  }

  /**
   * spec.budget resolved: limit in unit, BudgetAtRisk from warnAt, Suspend or Fail at the limit.
   */
  public record SpendLimit(long limit, String unit, double warnAt, boolean suspend) {}

  /** The share of the limit at which BudgetAtRisk turns true when the spec says nothing. */
  public static final double DEFAULT_WARN_AT = 0.8;

  private static SpendLimit spendLimit(BudgetSpec b) {
    check(b.getLimit() != null, "budget.limit", "is required");
    check(
        b.getLimit() >= 1 && b.getLimit() <= BudgetSpec.MAX,
        "budget.limit",
        "must be between 1 and " + BudgetSpec.MAX);
    double warnAt = Optional.ofNullable(b.getWarnAt()).orElse(DEFAULT_WARN_AT);
    check(warnAt >= 0 && warnAt <= 1, "budget.warnAt", "must be between 0 and 1");
    String unit = Optional.ofNullable(b.getUnit()).orElse("units");
    check(
        unit.matches("[A-Za-z][A-Za-z0-9_.-]{0,31}"),
        "budget.unit",
        "must be a word of at most 32 letters, digits, '_', '.' or '-'");
    return new SpendLimit(
        b.getLimit(), unit, warnAt, b.getOnExhausted() == BudgetSpec.OnExhausted.Suspend);
  }
}
