package io.runwarden.gc;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.config.RunwardenConfig;
import io.runwarden.execution.AttemptJobs;
import io.runwarden.informer.RunCache;
import io.runwarden.informer.WatchedNamespaces;
import io.runwarden.kube.ApiErrors;
import io.runwarden.kube.UidDelete;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Deletes finished runs past their retention, and attempt Jobs whose run is gone.
 *
 * <p>Like Kubernetes' TTL-after-finished controller: choose from the controller's informer cache,
 * then for each candidate read it again, check again, and delete with UID and resourceVersion
 * preconditions, so a run re-created under the same name, or changed since it was read, survives.
 * Choosing from a list of every run instead cost, with 10,000 runs, 31 MB of JSON from the API
 * server every interval and ~60 MB of heap beside the cache (the operator's peak memory).
 * Background propagation takes its Jobs along. Deletions are paced, and run on the scheduler's
 * thread, never on a reconcile thread.
 */
@ApplicationScoped
@Startup // its counters exist from the start, not from the first sweep minutes later
public class RunCollector {

  private static final Logger LOG = Logger.getLogger(RunCollector.class);

  /** What one sweep did. */
  public record Summary(
      int deleted, int skipped, int errors, int orphanJobsDeleted, boolean dryRun) {}

  private final KubernetesClient client;
  private final RunwardenConfig.Gc config;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final RunCache cache;
  private final WatchedNamespaces watched;

  public RunCollector(
      KubernetesClient client,
      RunwardenConfig config,
      Clock clock,
      MeterRegistry metrics,
      RunCache cache,
      WatchedNamespaces watched) {
    this.client = client;
    this.config = config.gc();
    this.clock = clock;
    this.metrics = metrics;
    // At 0 from the start, so the dashboard's GC panels have data before the first sweep.
    for (String c :
        List.of(
            "runwarden_gc_deleted_total",
            "runwarden_gc_skipped_total",
            "runwarden_gc_errors_total",
            "runwarden_gc_orphan_jobs_deleted_total")) {
      metrics.counter(c);
    }
    this.cache = cache;
    this.watched = watched;
  }

  @Scheduled(
      identity = "runwarden-gc",
      every = "${runwarden.gc.interval}",
      delayed = "${runwarden.gc.interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledSweep() {
    if (config.enabled()) {
      sweep(clock.instant(), config.dryRun());
    }
  }

  public Retention retention() {
    return new Retention(config.succeededTtl(), config.failedTtl(), config.keepPerKey());
  }

  public Summary sweep(Instant now, boolean dryRun) {
    return sweep(now, dryRun, config.deletesPerSecond());
  }

  /**
   * One sweep as of {@code now}.
   *
   * @param deletesPerSecond pace of deletions (runwarden.gc.deletes-per-second for scheduled
   *     sweeps)
   */
  public synchronized Summary sweep(Instant now, boolean dryRun, double deletesPerSecond) {
    Retention retention = retention();
    List<QualificationRun> runs = cache.runs().toList();
    List<QualificationRun> chosen = retention.select(runs, now);
    return collect(runs, chosen, retention, now, dryRun, deletesPerSecond);
  }

  /**
   * Deletes the given candidates (as a sweep would after listing them), each re-read and re-checked
   * first. Public so the protection against stale candidates can be shown directly.
   */
  public synchronized Summary sweepCandidates(
      List<QualificationRun> candidates, Instant now, boolean dryRun, double deletesPerSecond) {
    return collect(List.of(), candidates, retention(), now, dryRun, deletesPerSecond);
  }

  private Summary collect(
      List<QualificationRun> runs,
      List<QualificationRun> chosen,
      Retention retention,
      Instant now,
      boolean dryRun,
      double deletesPerSecond) {
    Pacer pacer = new Pacer(deletesPerSecond);
    int deleted = 0, skipped = 0, errors = 0;
    for (QualificationRun candidate : chosen) {
      pacer.await();
      try {
        if (deleteRun(candidate, retention, now, dryRun)) deleted++;
        else skipped++;
      } catch (KubernetesClientException e) {
        errors++;
        LOG.warnf(
            "gc: could not delete %s/%s: %s",
            candidate.getMetadata().getNamespace(),
            candidate.getMetadata().getName(),
            ApiErrors.said(e));
      }
    }
    int orphans = runs.isEmpty() ? 0 : deleteOrphanJobs(runs, pacer, dryRun);
    Summary summary = new Summary(deleted, skipped, errors, orphans, dryRun);
    LOG.infof(
        "gc%s: %d runs checked, %d expired, %d deleted, %d skipped, %d errors, %d orphaned Jobs deleted",
        dryRun ? " (dry run: nothing deleted)" : "",
        runs.size(),
        chosen.size(),
        deleted,
        skipped,
        errors,
        orphans);
    metrics.counter("runwarden_gc_deleted_total").increment(deleted);
    metrics.counter("runwarden_gc_skipped_total").increment(skipped);
    metrics.counter("runwarden_gc_errors_total").increment(errors);
    metrics.counter("runwarden_gc_orphan_jobs_deleted_total").increment(orphans);
    return summary;
  }

  /** Re-read, re-check, delete with preconditions. False when the run is spared. */
  private boolean deleteRun(
      QualificationRun candidate, Retention retention, Instant now, boolean dryRun) {
    String ns = candidate.getMetadata().getNamespace();
    String name = candidate.getMetadata().getName();
    QualificationRun fresh =
        client.resources(QualificationRun.class).inNamespace(ns).withName(name).get();
    if (fresh == null
        || !fresh.getMetadata().getUid().equals(candidate.getMetadata().getUid())
        || !retention.expired(fresh, now)) {
      return false;
    }
    if (dryRun) {
      LOG.infof(
          "gc (dry run): would delete %s/%s (%s since %s)",
          ns, name, fresh.getStatus().getPhase(), fresh.getStatus().getCompletedAt());
      return false;
    }
    if (!UidDelete.delete(client, fresh, "qualificationruns", true)) {
      return false; // gone already, re-created, or changed since read: spared
    }
    LOG.debugf("gc: deleted %s/%s", ns, name);
    return true;
  }

  /** Attempt Jobs whose owning run no longer exists (or is a different run of the same name). */
  private int deleteOrphanJobs(List<QualificationRun> runs, Pacer pacer, boolean dryRun) {
    Set<String> liveUids =
        runs.stream().map(r -> r.getMetadata().getUid()).collect(Collectors.toSet());
    int deleted = 0;
    List<String> namespaces = watched.get();
    List<Job> jobs =
        namespaces.isEmpty()
            ? jobsIn(client.batch().v1().jobs().inAnyNamespace())
            : namespaces.stream()
                .flatMap(ns -> jobsIn(client.batch().v1().jobs().inNamespace(ns)).stream())
                .toList();
    for (Job job : jobs) {
      String owner =
          job.getMetadata().getOwnerReferences().stream()
              .filter(o -> QualificationRun.class.getSimpleName().equals(o.getKind()))
              .map(OwnerReference::getUid)
              .findFirst()
              .orElse(null);
      if (owner == null || liveUids.contains(owner) || stillExists(job, owner)) {
        continue;
      }
      if (dryRun) {
        LOG.infof(
            "gc (dry run): would delete orphaned Job %s/%s",
            job.getMetadata().getNamespace(), job.getMetadata().getName());
        continue;
      }
      pacer.await();
      client.resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      deleted++;
    }
    return deleted;
  }

  /** The run list may be older than the Job list: ask once more before calling a Job orphaned. */
  private boolean stillExists(Job job, String ownerUid) {
    String runName =
        job.getMetadata().getAnnotations() == null
            ? null
            : job.getMetadata().getAnnotations().get(AttemptJobs.ANNOTATION_RUN_NAME);
    if (runName == null) {
      return false;
    }
    QualificationRun run =
        client
            .resources(QualificationRun.class)
            .inNamespace(job.getMetadata().getNamespace())
            .withName(runName)
            .get();
    return run != null && ownerUid.equals(run.getMetadata().getUid());
  }

  private List<Job> jobsIn(
      io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<
              Job, io.fabric8.kubernetes.api.model.batch.v1.JobList, ?>
          jobs) {
    return jobs.withLabel(AttemptJobs.LABEL_RUN).list(cached()).getItems();
  }

  /** resourceVersion=0: served from the API server's watch cache, not etcd. */
  private static io.fabric8.kubernetes.api.model.ListOptions cached() {
    return new ListOptionsBuilder().withResourceVersion("0").build();
  }

  /** At most {@code perSecond} permits per second, spaced evenly. */
  static final class Pacer {
    private final long intervalNanos;
    private long next = System.nanoTime();

    Pacer(double perSecond) {
      this.intervalNanos = perSecond <= 0 ? 0 : (long) (1_000_000_000L / perSecond);
    }

    void await() {
      long now = System.nanoTime();
      if (next > now) {
        LockSupport.parkNanos(next - now);
      }
      next = Math.max(next, now) + intervalNanos;
    }
  }
}
