package io.runwarden.external;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.config.RunwardenConfig;
import io.runwarden.lifecycle.ExternalCheckRequest;
import io.runwarden.lifecycle.ExternalResult;
import io.runwarden.lifecycle.ExternalResult.Result;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the probes of every run, off the reconcile threads: a reconcile that needs the service's
 * answer asks here and returns at once, and the answer wakes the run like any other event. At most
 * {@code max-concurrent} probes are in flight, and at most {@code max-concurrent-per-namespace} for
 * one namespace; the rest wait their turn, namespaces taking turns, so a tenant whose service hangs
 * waits on its own probes and no one else's. Blocking steps (reading the Secret, DNS) run on two
 * threads of its own; the HTTP exchange is asynchronous.
 */
@ApplicationScoped
public class Probes {

  private static final Logger LOG = Logger.getLogger(Probes.class);

  /** Answers not collected by then belong to runs that stopped asking (deleted, timed out). */
  static final Duration KEEP_ANSWER = Duration.ofMinutes(10);

  /** The probe's own timeout cancels it; this is the last resort should that ever not fire. */
  static final Duration GRACE = Duration.ofSeconds(2);

  private final ExternalProbe probe;
  private final Clock clock;
  private final int maxInFlight;
  private final int maxPerNamespace;
  private final Answers wakeups = new Answers();
  private final ExecutorService blocking =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "runwarden-probe");
            t.setDaemon(true);
            return t;
          });

  /** One question: the same attempt and service job of the same run object. */
  record Key(String namespace, String name, String uid, int attempt, String serviceJobId) {}

  private record Answer(ExternalResult result, Instant at) {}

  private record Queued(
      Key key, QualificationRun run, ExternalCheckRequest request, Duration timeout) {}

  private final Map<Key, Answer> answers = new ConcurrentHashMap<>();

  // Guarded by this.
  private final Set<Key> inFlight = new java.util.HashSet<>();
  private final Map<String, Integer> inFlightPerNamespace = new HashMap<>();
  private final LinkedHashMap<String, ArrayDeque<Queued>> waiting = new LinkedHashMap<>();
  private final Set<Key> queued = new java.util.HashSet<>();

  public Probes(ExternalProbe probe, Clock clock, RunwardenConfig config) {
    this.probe = probe;
    this.clock = clock;
    this.maxInFlight = Math.max(1, config.external().maxConcurrent());
    this.maxPerNamespace = Math.max(1, config.external().maxConcurrentPerNamespace());
  }

  /** The event source that wakes a run when its answer arrives. */
  public Answers answers() {
    return wakeups;
  }

  /** The answer to this question, once, if it has arrived. */
  public Optional<ExternalResult> take(QualificationRun run, ExternalCheckRequest request) {
    Answer a = answers.remove(key(run, request));
    return a == null ? Optional.empty() : Optional.of(a.result());
  }

  /** Asks the service, unless this question is already being asked or waiting its turn. */
  public synchronized void ask(
      QualificationRun run, ExternalCheckRequest request, Duration timeout) {
    Key key = key(run, request);
    if (inFlight.contains(key) || queued.contains(key) || answers.containsKey(key)) {
      return;
    }
    queued.add(key);
    waiting
        .computeIfAbsent(key.namespace(), ns -> new ArrayDeque<>())
        .add(new Queued(key, run, request, timeout));
    drain();
  }

  /** Probes in flight now (for tests and metrics). */
  public synchronized int inFlight() {
    return inFlight.size();
  }

  /** Starts what the limits allow: each namespace with room gets one, in turn, until full. */
  private synchronized void drain() {
    boolean progress = true;
    while (progress && inFlight.size() < maxInFlight) {
      progress = false;
      for (String ns : java.util.List.copyOf(waiting.keySet())) {
        if (inFlight.size() >= maxInFlight) break;
        if (inFlightPerNamespace.getOrDefault(ns, 0) >= maxPerNamespace) continue;
        ArrayDeque<Queued> line = waiting.remove(ns);
        Queued next = line.poll();
        if (!line.isEmpty()) waiting.put(ns, line); // to the back of the line
        start(next);
        progress = true;
      }
    }
  }

  private void start(Queued q) {
    queued.remove(q.key());
    inFlight.add(q.key());
    inFlightPerNamespace.merge(q.key().namespace(), 1, Integer::sum);
    CompletableFuture.supplyAsync(() -> probe.check(q.run(), q.request(), q.timeout()), blocking)
        .thenCompose(f -> f)
        .completeOnTimeout(
            new ExternalResult(Result.Unreachable, "no answer within the run's timeout"),
            q.timeout().plus(GRACE).toMillis(),
            TimeUnit.MILLISECONDS)
        .whenComplete((result, error) -> finished(q.key(), result, error));
  }

  private void finished(Key key, ExternalResult result, Throwable error) {
    if (error != null) {
      LOG.warnf(error, "%s/%s: external check failed", key.namespace(), key.name());
      result =
          new ExternalResult(
              Result.Unreachable, "the check failed (" + error.getClass().getSimpleName() + ")");
    }
    Instant now = clock.instant();
    answers.values().removeIf(a -> a.at().plus(KEEP_ANSWER).isBefore(now));
    answers.put(key, new Answer(result, now));
    synchronized (this) {
      inFlight.remove(key);
      inFlightPerNamespace.computeIfPresent(key.namespace(), (ns, n) -> n <= 1 ? null : n - 1);
      drain();
    }
    wakeups.wake(new ResourceID(key.name(), key.namespace()));
  }

  private static Key key(QualificationRun run, ExternalCheckRequest request) {
    return new Key(
        run.getMetadata().getNamespace(),
        run.getMetadata().getName(),
        run.getMetadata().getUid(),
        request.attempt(),
        request.serviceJobId());
  }

  @PreDestroy
  void stop() {
    blocking.shutdownNow();
  }

  /** Wakes a run when the answer to its question has arrived. */
  public static final class Answers extends AbstractEventSource<Answers.Arrived, QualificationRun> {

    /** No secondary resources: this source only carries wake-ups. */
    public record Arrived() {}

    Answers() {
      super(Arrived.class, "external-probe-answers");
    }

    void wake(ResourceID run) {
      if (getEventHandler() != null) {
        getEventHandler().handleEvent(new Event(run));
      }
    }

    @Override
    public Set<Arrived> getSecondaryResources(QualificationRun primary) {
      return Set.of();
    }
  }
}
