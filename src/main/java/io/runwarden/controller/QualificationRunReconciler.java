package io.runwarden.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.concurrency.Admissions;
import io.runwarden.concurrency.ConcurrencyGate;
import io.runwarden.execution.AttemptJobs;
import io.runwarden.execution.ManagedExecution;
import io.runwarden.external.Probes;
import io.runwarden.informer.EarlyInformers;
import io.runwarden.informer.RunCache;
import io.runwarden.informer.WatchedNamespaces;
import io.runwarden.kube.ApiErrors;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.CrowdSilence;
import io.runwarden.lifecycle.Decision;
import io.runwarden.lifecycle.ExternalCheckRequest;
import io.runwarden.lifecycle.ExternalResult;
import io.runwarden.lifecycle.Inputs;
import io.runwarden.lifecycle.Lifecycle;
import io.runwarden.lifecycle.QueuePosition;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.lifecycle.RunEvent;
import io.runwarden.lifecycle.Times;
import io.runwarden.metrics.RunMetrics;
import io.runwarden.reports.ReportChannel;
import io.runwarden.text.UserText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The thin shell around the decision core: read -> decide -> (managed mode: make the Jobs match) ->
 * write status if changed -> publish events -> wake up exactly when the next rule can fire. No
 * polling: a run with nothing due sleeps until its next deadline, and a terminal run is never
 * rescheduled.
 *
 * <p>Workers report in each run's {@link QualificationRunReport}, watched by an informer of its own
 * ({@link ReportChangeFilter} skips heartbeat-only updates); a run itself reconciles on spec and
 * annotation changes ({@link RunChangeFilter}). Attempt Jobs and their pods are watched through
 * informers limited to Runwarden's label, and count only when the run owns them. {@link OwnWrites}
 * makes sure a reconcile never decides from a status older than the operator's own last write.
 */
@ControllerConfiguration(
    name = QualificationRunReconciler.NAME,
    generationAwareEventProcessing = false,
    informer =
        @Informer(
            onUpdateFilter = RunChangeFilter.class,
            informerListLimit = QualificationRunReconciler.LIST_PAGE))
public class QualificationRunReconciler implements Reconciler<QualificationRun> {

  public static final String NAME = WatchedNamespaces.CONTROLLER;

  private static final Logger LOG = Logger.getLogger(QualificationRunReconciler.class);

  /**
   * Informers list in pages of this many objects (client-go's pager size). In one piece, the list
   * of 10,000 runs was ~31 MB; on a saturated API server it took longer than the client's 10 s
   * request timeout, so a relist after an expired watch failed, was retried from the start, and
   * failed again, for as long as the load lasted, with the cache frozen. Each page is its own short
   * request.
   */
  static final long LIST_PAGE = 500;

  /** How often a queued run near the head of its line re-checks its key without being woken. */
  static final Duration QUEUE_RECHECK = Duration.ofSeconds(15);

  /** The longest a queued run deeper in its line goes without re-checking. */
  static final Duration QUEUE_RECHECK_DEEP = Duration.ofMinutes(5);

  /** The primary cache's index of runs by concurrency key ({@code namespace/key}). */
  static final String BY_CONCURRENCY_KEY = "runwarden.io/concurrency-key";

  /** How soon a refused report is asked for again (as a refused Job is). */
  static final Duration REPORT_RETRY = Duration.ofSeconds(5);

  private final Lifecycle lifecycle;
  private final ManagedExecution managed;
  private final ConcurrencyGate gate;
  private final Probes probes;
  private final RunMetrics metrics;
  private final Clock clock;
  private final StatusWriter statusWriter;
  private final RunEvents events;
  private final OwnWrites ownWrites;
  private final RunCache runCache;
  private final EarlyInformers earlyInformers;
  private final FreshRead freshRead;
  private final ReportChannel reports;
  private final CrowdWatch crowdWatch;
  private final ReportLateness reportLateness;
  private final Map<ResourceID, Integer> failures = new ConcurrentHashMap<>();

  public QualificationRunReconciler(
      Lifecycle lifecycle,
      ManagedExecution managed,
      ConcurrencyGate gate,
      Probes probes,
      RunMetrics metrics,
      Clock clock,
      StatusWriter statusWriter,
      RunEvents events,
      RunCache runCache,
      EarlyInformers earlyInformers,
      FreshRead freshRead,
      ReportChannel reports,
      CrowdWatch crowdWatch,
      ReportLateness reportLateness) {
    this.lifecycle = lifecycle;
    this.managed = managed;
    this.gate = gate;
    this.probes = probes;
    this.metrics = metrics;
    this.clock = clock;
    this.statusWriter = statusWriter;
    this.events = events;
    this.ownWrites = new OwnWrites(statusWriter.serialization());
    this.runCache = runCache;
    this.earlyInformers = earlyInformers;
    this.freshRead = freshRead;
    this.reports = reports;
    this.crowdWatch = crowdWatch;
    this.reportLateness = reportLateness;
  }

  /**
   * The liveness grace for a decision: the largest of the slow API server's ({@link ApiLatency}),
   * the one this run's own late reports call for ({@link ReportLateness}) and the one a silent
   * crowd in the run's namespace gives ({@link CrowdWatch}: the run's own heartbeat limit), with
   * the reason the limit's message gives.
   */
  private Inputs withGrace(QualificationRun run, Inputs inputs, Duration apiServerGrace) {
    CrowdSilence.Crowd crowd = crowdWatch.now(run.getMetadata().getNamespace());
    Duration crowdGrace =
        crowd.silent() ? crowd.grace(lifecycle.heartbeatTimeout(run).orElse(null)) : Duration.ZERO;
    Duration reportGrace = reportLateness.grace(ResourceID.fromResource(run));
    if (crowdGrace.compareTo(apiServerGrace) > 0 && crowdGrace.compareTo(reportGrace) >= 0) {
      return inputs.withLivenessGrace(crowdGrace, crowd.note());
    }
    return reportGrace.compareTo(apiServerGrace) > 0
        ? inputs.withLivenessGrace(reportGrace, ReportLateness.NOTE)
        : inputs.withLivenessGrace(apiServerGrace);
  }

  @Override
  public List<EventSource<?, QualificationRun>> prepareEventSources(
      EventSourceContext<QualificationRun> context) {
    runCache.set(context.getPrimaryCache());
    context
        .getPrimaryCache()
        .addIndexer(BY_CONCURRENCY_KEY, r -> concurrencySlot(r).map(List::of).orElse(List.of()));
    InformerEventSource<QualificationRunReport, QualificationRun> reports =
        reportInformer(context, new ReportChangeFilter(reportLateness));
    crowdWatch.watchReports(reports::get);
    InformerEventSource<Job, QualificationRun> jobs = attemptInformer(Job.class, context);
    InformerEventSource<Pod, QualificationRun> pods = attemptInformer(Pod.class, context);
    // The runs' own informer first: its list is the largest and the API server's longest answer.
    // The primary cache is that informer (the SDK's ControllerEventSource).
    if (context.getPrimaryCache() instanceof EventSource<?, ?> runs) earlyInformers.add(runs);
    List.of(reports, jobs, pods).forEach(earlyInformers::add);
    return List.of(reports, jobs, pods, gate.releases(), probes.answers(), ownWrites);
  }

  /** A run's report has the run's name; a foreign one of that name is seen too, to be replaced. */
  private static InformerEventSource<QualificationRunReport, QualificationRun> reportInformer(
      EventSourceContext<QualificationRun> context, ReportChangeFilter filter) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(QualificationRunReport.class, QualificationRun.class)
            .withSecondaryToPrimaryMapper(
                (QualificationRunReport r) ->
                    Set.of(
                        new ResourceID(r.getMetadata().getName(), r.getMetadata().getNamespace())))
            .withOnUpdateFilter(filter)
            .withInformerListLimit(LIST_PAGE)
            .build(),
        context);
  }

  private static <R extends HasMetadata> InformerEventSource<R, QualificationRun> attemptInformer(
      Class<R> type, EventSourceContext<QualificationRun> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, QualificationRun.class)
            .withLabelSelector(AttemptJobs.LABEL_RUN)
            .withSecondaryToPrimaryMapper(QualificationRunReconciler::owningRun)
            .withInformerListLimit(LIST_PAGE)
            .build(),
        context);
  }

  /** Attempt Jobs and their pods carry the run's full name (labels stop at 63 characters). */
  static Set<ResourceID> owningRun(HasMetadata resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    String run = annotations == null ? null : annotations.get(AttemptJobs.ANNOTATION_RUN_NAME);
    return run == null
        ? Set.of()
        : Set.of(new ResourceID(run, resource.getMetadata().getNamespace()));
  }

  /**
   * Whatever a reconcile throws (an API error, a refused write, a bug), the run is woken again, no
   * later than its next deadline: JOSDK's own retries give up after a few attempts, and a run must
   * never sit past its deadline because of that. Failures in a row back off exponentially.
   */
  @Override
  public UpdateControl<QualificationRun> reconcile(
      QualificationRun given, Context<QualificationRun> context) {
    ResourceID id = ResourceID.fromResource(given);
    try {
      UpdateControl<QualificationRun> control = decideAndAct(given, context);
      failures.remove(id);
      return control;
    } catch (RuntimeException e) {
      int inARow = failures.merge(id, 1, Integer::sum);
      Instant now = clock.instant();
      Instant retry = now.plus(ErrorRetry.delay(inARow));
      Instant wake =
          ErrorRetry.nextDeadline(given.getStatus(), lifecycle.specDeadline(given), now)
              .filter(retry::isAfter)
              .orElse(retry);
      LOG.warnf(
          "%s/%s: reconcile failed (%d in a row), again at %s: %s",
          given.getMetadata().getNamespace(),
          given.getMetadata().getName(),
          inARow,
          wake,
          UserText.escape(String.valueOf(e)));
      LOG.debug("reconcile failure", e);
      return UpdateControl.<QualificationRun>noUpdate().rescheduleAfter(delayUntil(now, wake));
    }
  }

  private UpdateControl<QualificationRun> decideAndAct(
      QualificationRun given, Context<QualificationRun> context) {
    QualificationRun run = ownWrites.newest(given, context.getPrimaryCache()::get);
    Instant now = clock.instant();
    QualificationRunSpec spec = run.getSpec() == null ? new QualificationRunSpec() : run.getSpec();
    // The runs that share the key, from the cache's index: a re-check costs the length of its own
    // line, not the size of the namespace.
    List<QualificationRun> neighbours =
        spec.getConcurrency() == null
            ? List.of()
            : context
                .getPrimaryCache()
                .byIndex(BY_CONCURRENCY_KEY, concurrencySlot(run).orElseThrow());
    QualificationRunReport report =
        context.getSecondaryResource(QualificationRunReport.class).orElse(null);
    Inputs inputs =
        withGrace(
            run,
            Inputs.NONE
                .withAdmission(gate.admission(run, neighbours))
                .withReport(ReportChannel.reportOf(run, report)),
            statusWriter.latency().grace());
    ManagedExecution.Owned attempts =
        spec.getJob() == null
            ? new ManagedExecution.Owned(List.of(), List.of())
            : ManagedExecution.owned(
                run,
                context.getSecondaryResources(Job.class),
                context.getSecondaryResources(Pod.class));
    List<Job> jobs = attempts.jobs();
    List<Pod> pods = attempts.pods();
    if (spec.getJob() != null) {
      inputs = managed.observe(run, jobs, pods, inputs);
    }

    Decision decision = lifecycle.decide(run, inputs, now);
    if (FreshRead.needed(run, decision)) {
      ApiLatency latency = statusWriter.latency();
      QualificationRunReport seen = report;
      // The read is timed like a write: a run that is about to fail may be the only one whose
      // write or read tells how slow the API server is now.
      Optional<QualificationRunReport> newer =
          latency.timed(() -> freshRead.newerReport(run, seen));
      Inputs regraced = withGrace(run, inputs, latency.grace());
      if (newer.isPresent() || regraced.livenessGrace().compareTo(inputs.livenessGrace()) > 0) {
        // The informer is behind, or the API server slower than it looked (saturated): decide
        // again from the report as the API server has it now, with the grace it calls for.
        inputs = regraced;
        if (newer.isPresent()) {
          report = newer.get();
          inputs = inputs.withReport(ReportChannel.reportOf(run, report));
        }
        decision = lifecycle.decide(run, inputs, now);
      }
    }
    if (decision.externalCheck().isPresent()) {
      ExternalCheckRequest question = decision.externalCheck().get();
      Optional<ExternalResult> answer = probes.take(run, question);
      if (answer.isEmpty()) {
        // Nothing is decided until the service answers: ask it off this thread and sleep until
        // the answer's event, or the run's deadline, or the probe's own limit (an answer lost in
        // a restart is asked for again then), whichever comes first.
        Duration timeout = lifecycle.externalTimeout(run);
        probes.ask(run, question, timeout);
        Instant limit = now.plus(timeout).plus(Duration.ofSeconds(3));
        Instant deadline =
            run.getStatus() == null || run.getStatus().getTimeoutAt() == null
                ? limit
                : Times.parse(run.getStatus().getTimeoutAt());
        Instant wake = deadline.isBefore(limit) && deadline.isAfter(now) ? deadline : limit;
        return UpdateControl.<QualificationRun>noUpdate()
            .rescheduleAfter(delayUntil(clock.instant(), wake));
      }
      metrics.externalCheck(answer.get());
      inputs = inputs.withExternal(answer.get());
      decision = lifecycle.decide(run, inputs, now);
    }
    if (spec.getJob() != null) {
      decision = managed.execute(run, decision, inputs, jobs, pods, now);
    }

    // The report opens the attempt before the run says so: a worker that sees the attempt open
    // can claim it at once, and its claim is judged against the run's decided attempt.
    Optional<RunEvent> reportRefused = openReport(run, decision, report);
    if (reportRefused.isPresent()) {
      // The status is still written (its timers are what enforces the deadline); the attempt
      // stays closed to workers until the report can be written, asked again soon.
      decision = decision.wakeNoLaterThan(now.plus(REPORT_RETRY));
    }
    statusWriter.writeIfChanged(run, decision.status(), context).ifPresent(ownWrites::written);
    metrics.decided(run, decision, clock.instant());
    // Events only after the status they describe is stored: a failed write is retried by JOSDK
    // and must not leave a duplicate event behind.
    decision.events().forEach(e -> events.publish(run, e));
    reportRefused.ifPresent(e -> events.publish(run, e));
    if (decision.status().getPhase().isTerminal() && !Admissions.terminal(run)) {
      gate.released(run, neighbours);
    }
    // Wake-ups are absolute instants; JOSDK counts the delay from when this method returns. A
    // status write that took seconds (a slow or restarting API server) must not push every
    // deadline back by that long, so the delay is measured from now, not from the decision.
    return reschedule(decision, inputs.admission().position(), clock.instant());
  }

  /** {@code namespace/key} of a run with a concurrency key. */
  static Optional<String> concurrencySlot(QualificationRun r) {
    return r.getSpec() == null
            || r.getSpec().getConcurrency() == null
            || r.getSpec().getConcurrency().getKey() == null
        ? Optional.empty()
        : Optional.of(r.getMetadata().getNamespace() + "/" + r.getSpec().getConcurrency().getKey());
  }

  /**
   * @return the {@code ReportRefused} event to record when the API server refused the report (a
   *     quota, an admission policy, an invalid object): not thrown, so the run's own status and
   *     deadlines go on
   */
  private Optional<RunEvent> openReport(
      QualificationRun run, Decision decision, QualificationRunReport report) {
    try {
      reports.open(run, decision.status(), report, () -> lifecycle.heartbeatTimeout(run));
      return Optional.empty();
    } catch (KubernetesClientException e) {
      return Optional.of(
          RunEvent.warning(
              Reasons.REPORT_REFUSED,
              "The report for attempt "
                  + decision.status().getAttempt()
                  + " could not be written, so no worker can claim it yet (asked again within "
                  + REPORT_RETRY.toSeconds()
                  + " s): "
                  + ApiErrors.said(e)));
    }
  }

  private static UpdateControl<QualificationRun> reschedule(
      Decision decision, int queuePosition, Instant now) {
    Optional<Instant> at = decision.wakeAt();
    if (Conditions.isTrue(decision.status().getConditions(), ConditionTypes.QUEUED)) {
      // Queued runs are woken when their key's holder ends; a holder deleted outright (no
      // reconcile of ours sees that) is caught by this slow re-check.
      Instant recheck = now.plus(queueRecheck(queuePosition));
      at = Optional.of(at.filter(a -> a.isBefore(recheck)).orElse(recheck));
    }
    UpdateControl<QualificationRun> control = UpdateControl.noUpdate();
    at.ifPresent(a -> control.rescheduleAfter(delayUntil(now, a)));
    return control;
  }

  /**
   * How long a queued run at this position waits before it re-checks unwoken: 15 s up to the
   * positions shown exactly, then longer the deeper it is (15 s per ten places), at most 5 min.
   * Every re-check reads the whole line, so 10,000 queued runs re-checking every 15 s would cost
   * 667 reads of 10,000 runs a second, on the threads every tenant's deadlines need. A run deep in
   * line cannot start before those ahead of it, the end of a holder wakes the runs whose shown
   * position changes ({@code ConcurrencyGate.released}), and what it shows is rounded anyway.
   */
  public static Duration queueRecheck(int position) {
    if (position <= QueuePosition.EXACT_UP_TO) {
      return QUEUE_RECHECK;
    }
    Duration deeper = QUEUE_RECHECK.multipliedBy(position / QueuePosition.EXACT_UP_TO);
    return deeper.compareTo(QUEUE_RECHECK_DEEP) < 0 ? deeper : QUEUE_RECHECK_DEEP;
  }

  /** Rounded up to the millisecond so a wake-up never lands just before its deadline. */
  static Duration delayUntil(Instant now, Instant at) {
    long nanos = Duration.between(now, at).toNanos();
    return Duration.ofMillis(Math.max(1, (nanos + 999_999) / 1_000_000));
  }
}
