package io.runwarden.bench;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.DurationParser;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Runs that stay active for the whole benchmark, the way long batch work does: claimed once, then a
 * heartbeat reporting one more item completed every {@code every} (default 3 min; the run's
 * heartbeat timeout is three times that) and nothing else. They put "N active runs" in the
 * operator's cache and on the API server while {@link RunLoad}'s runs are enforced, so lateness is
 * measured at that scale.
 */
final class Standing implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final int n;
  private final double createsPerSecond;
  private final Duration every;
  private final Set<String> claimed = ConcurrentHashMap.newKeySet();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService workers = Executors.newScheduledThreadPool(4);
  final AtomicLong workerPatches = new AtomicLong();
  final AtomicLong workerErrors = new AtomicLong();
  Duration rampUp;

  Standing(
      KubernetesClient client, String namespace, int n, double createsPerSecond, Duration every) {
    this.client = client;
    this.namespace = namespace;
    this.n = n;
    this.createsPerSecond = createsPerSecond;
    this.every = every;
  }

  /**
   * Creates the runs and returns once every one of them is Running (or the cap passes). Then it
   * stops watching them: the benchmark's own watch of 10,000 heartbeating runs would load the API
   * server as much as the operator's does, and a worker needs no watch once it has claimed.
   */
  void start(Duration cap) {
    Instant begun = Instant.now();
    SharedIndexInformer<QualificationRun> informer =
        client
            .resources(QualificationRun.class)
            .inNamespace(namespace)
            .inform(Arrivals.onChange(this::observe));
    try {
      Arrivals.paced(n, createsPerSecond, this::create, workerErrors::incrementAndGet);
      Instant giveUp = Instant.now().plus(cap);
      while (running.size() < n && Instant.now().isBefore(giveUp)) {
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    } finally {
      informer.close();
    }
    rampUp = Duration.between(begun, Instant.now());
    if (running.size() < n) {
      System.out.println("WARNING: " + (n - running.size()) + " standing runs not Running");
    }
  }

  /**
   * How many standing runs are in each phase now, from one list served by the API server's watch
   * cache (resourceVersion 0): a quorum read of 10,000 runs from etcd took longer than the client's
   * 10 s timeout on a busy server. Empty when even that fails: a count must not cost the
   * benchmark's results.
   */
  Map<Phase, Long> phases() {
    try {
      return client
          .resources(QualificationRun.class)
          .inNamespace(namespace)
          .list(new ListOptionsBuilder().withResourceVersion("0").build())
          .getItems()
          .stream()
          .filter(r -> r.getStatus() != null && r.getStatus().getPhase() != null)
          .collect(Collectors.groupingBy(r -> r.getStatus().getPhase(), Collectors.counting()));
    } catch (KubernetesClientException e) {
      System.out.println("WARNING: could not list the standing runs: " + e.getMessage());
      return Map.of();
    }
  }

  private void create(int i) {
    String yaml =
        """
        apiVersion: runwarden.io/v1alpha1
        kind: QualificationRun
        metadata:
          name: standing-%d
          labels: {runwarden.io/bench: standing}
        spec:
          total: 1000
          timeouts: {run: 2h, start: 10m, heartbeat: %s}
        """
            .formatted(i, DurationParser.format(every.multipliedBy(3)));
    client
        .resources(QualificationRun.class)
        .inNamespace(namespace)
        .resource(client.getKubernetesSerialization().unmarshal(yaml, QualificationRun.class))
        .create();
  }

  private void observe(QualificationRun r) {
    var s = r.getStatus();
    if (s == null || s.getPhase() == null || s.getAttempt() == null) return;
    String name = r.getMetadata().getName();
    if (s.getPhase() == Phase.Running) running.add(name);
    if (s.getPhase() == Phase.Pending && claimed.add(name)) {
      int attempt = s.getAttempt();
      workers.execute(() -> report(name, attempt, 0));
      // Spread the heartbeats over the period, as independent workers would be.
      long offset = ThreadLocalRandom.current().nextLong(every.toMillis());
      AtomicLong completed = new AtomicLong();
      workers.scheduleAtFixedRate(
          () -> report(name, attempt, completed.addAndGet(1)),
          offset,
          every.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private void report(String name, int attempt, long completed) {
    String worker = "standing-" + name;
    CompletableFuture<Boolean> sent =
        completed == 0
            ? WorkerPatch.claim(client, namespace, name, worker, attempt)
            : WorkerPatch.report(
                client,
                namespace,
                name,
                worker,
                attempt,
                Map.of("completed", completed),
                Instant.now());
    sent.whenComplete(
        (ok, error) -> {
          if (error != null || !ok) workerErrors.incrementAndGet();
          else workerPatches.incrementAndGet();
        });
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
