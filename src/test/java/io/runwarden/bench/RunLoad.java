package io.runwarden.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.runwarden.api.v1alpha1.AttemptRecord;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.lifecycle.DurationParser;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.lifecycle.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * N QualificationRuns with simulated workers, the way the README tells workers to report: JSON JSON
 * patches of the run's report (README, "Worker protocol"). Worker classes by index (i % 10):
 *
 * <ul>
 *   <li>0-5 healthy: claim, one progress heartbeat, succeed after 3 s;
 *   <li>6 stalls: attempt 1 claims, heartbeats once and goes silent (HeartbeatLost), attempt 2 is
 *       healthy;
 *   <li>7 never claims: StartTimeout on both attempts, then Failed;
 *   <li>8 overruns: heartbeats with progress until the run's own 10 s deadline (DeadlineExceeded);
 *   <li>9 healthy but slower: four heartbeats, succeeds after 6 s.
 * </ul>
 *
 * Lateness is observed from a watch, the same way as for the Job controller: the moment the
 * enforcing status arrives minus the instant its rule fired (timeoutAt; last heartbeat + heartbeat
 * timeout; attempt start + start timeout).
 */
public final class RunLoad {

  /**
   * The limits every run gets. The benchmark's are tight (4 s heartbeat) to enforce a lot in a
   * short time; the reliability suite's are loose so that a loaded 2-core machine delaying a
   * healthy worker's patch by seconds never looks like a lost worker.
   */
  public record Shape(Duration heartbeat, Duration start, Duration run, Duration overrunRun) {
    public static final Shape BENCHMARK =
        new Shape(
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofSeconds(40),
            Duration.ofSeconds(10));
  }

  /** One enforcement seen: which rule, when it fired by its own definition, when it was seen. */
  public record Enforced(String run, String rule, int attempt, Instant fired, Instant seen) {}

  public enum Kind {
    HEALTHY,
    STALLS,
    NEVER_CLAIMS,
    OVERRUNS,
    SLOW;

    static Kind of(int i) {
      return switch (i % 10) {
        case 6 -> STALLS;
        case 7 -> NEVER_CLAIMS;
        case 8 -> OVERRUNS;
        case 9 -> SLOW;
        default -> HEALTHY;
      };
    }

    public Phase expected() {
      return this == NEVER_CLAIMS || this == OVERRUNS ? Phase.Failed : Phase.Succeeded;
    }
  }

  /** What the benchmark saw of one run. Guarded by its own monitor. */
  public static final class Track {
    public final String name;
    public final Kind kind;
    final Map<Integer, Instant> livenessSince = new HashMap<>();
    final Map<Integer, Instant> lastHeartbeat = new HashMap<>();
    final Set<Integer> acted = new HashSet<>();
    final Set<Integer> recorded = new HashSet<>();
    Instant created;
    public Instant terminalSeen;
    public Phase terminal;
    public String reason;
    public String lastError;
    public int attempts;

    /** Attempt numbers in the order the watch saw them become current. */
    public final List<Integer> attemptsSeen = new ArrayList<>();

    Track(String name, Kind kind) {
      this.name = name;
      this.kind = kind;
    }
  }

  public final List<Enforced> enforcements = Collections.synchronizedList(new ArrayList<>());

  /**
   * Liveness limits enforced, by rule and by the grace the operator's message says it gave ({@link
   * Grace}): a late HeartbeatLost under a grace is the grace working, one without is lateness.
   */
  final Map<String, Grace.Tally> graces = new java.util.TreeMap<>();

  final Lateness deadline = new Lateness();
  final Lateness heartbeatLost = new Lateness();
  final Lateness startTimeout = new Lateness();

  /** The same, from the limit plus the grace the operator said it gave: its lateness alone. */
  final Lateness heartbeatLostBeyondGrace = new Lateness();

  final Lateness startTimeoutBeyondGrace = new Lateness();
  public final Map<String, Track> tracks = new ConcurrentHashMap<>();
  final AtomicLong workerPatches = new AtomicLong();
  final AtomicLong workerErrors = new AtomicLong();

  private final KubernetesClient client;
  private final String namespace;
  private final int n;
  private final double createsPerSecond;
  private final Shape shape;
  private final ScheduledExecutorService workers = Executors.newScheduledThreadPool(8);
  private SharedIndexInformer<QualificationRun> informer;
  Instant firstCreate;
  Instant lastCreate;

  public RunLoad(KubernetesClient client, String namespace, int n, double createsPerSecond) {
    this(client, namespace, n, createsPerSecond, Shape.BENCHMARK);
  }

  public RunLoad(
      KubernetesClient client, String namespace, int n, double createsPerSecond, Shape shape) {
    this.client = client;
    this.namespace = namespace;
    this.n = n;
    this.createsPerSecond = createsPerSecond;
    this.shape = shape;
  }

  /** Creates the runs at the given rate and waits until all are terminal or the cap passes. */
  public void run(Duration cap) {
    informer =
        client
            .resources(QualificationRun.class)
            .inNamespace(namespace)
            .inform(Arrivals.onChange(this::observe));
    firstCreate = Instant.now();
    for (int i = 0; i < n; i++) {
      String name = "run-" + i;
      tracks.put(name, new Track(name, Kind.of(i)));
    }
    Arrivals.paced(
        n, createsPerSecond, i -> create("run-" + i, Kind.of(i)), workerErrors::incrementAndGet);
    lastCreate = Instant.now();
    Instant giveUp = lastCreate.plus(shape.run()).plus(cap);
    while (Instant.now().isBefore(giveUp) && !allTerminal()) {
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
    workers.shutdownNow();
    informer.close();
    int stillOpen = (int) tracks.values().stream().filter(t -> t.terminalSeen == null).count();
    // Missed: runs that should have been enforced and were not by the cap.
    deadline.missed(
        (int)
            tracks.values().stream()
                .filter(t -> t.kind == Kind.OVERRUNS && t.terminalSeen == null)
                .count());
    int stallsMissed =
        (int)
            tracks.values().stream()
                .filter(t -> t.kind == Kind.STALLS && !t.recorded.contains(1))
                .count();
    heartbeatLost.missed(stallsMissed);
    heartbeatLostBeyondGrace.missed(stallsMissed);
    int startsMissed =
        (int)
            tracks.values().stream()
                .filter(t -> t.kind == Kind.NEVER_CLAIMS)
                .mapToLong(t -> 2 - t.recorded.size())
                .sum();
    startTimeout.missed(startsMissed);
    startTimeoutBeyondGrace.missed(startsMissed);
    if (stillOpen > 0) {
      System.out.println("WARNING: " + stillOpen + " runs not terminal at the cap");
    }
  }

  private boolean allTerminal() {
    return tracks.size() == n && tracks.values().stream().allMatch(t -> t.terminalSeen != null);
  }

  private void create(String name, Kind kind) {
    String yaml =
        """
        apiVersion: runwarden.io/v1alpha1
        kind: QualificationRun
        metadata:
          name: %s
          labels: {runwarden.io/bench: %s}
        spec:
          total: 100
          timeouts: {run: %s, start: %s, heartbeat: %s}
          retry: {maxRetries: 1, backoff: {initial: 1s}}
          resume: FromCheckpoint
        """
            .formatted(
                name,
                kind.name().toLowerCase().replace('_', '-'),
                DurationParser.format(kind == Kind.OVERRUNS ? shape.overrunRun() : shape.run()),
                DurationParser.format(shape.start()),
                DurationParser.format(shape.heartbeat()));
    try {
      client
          .resources(QualificationRun.class)
          .inNamespace(namespace)
          .resource(client.getKubernetesSerialization().unmarshal(yaml, QualificationRun.class))
          .create();
      Track t = tracks.get(name);
      synchronized (t) {
        t.created = Instant.now();
      }
    } catch (RuntimeException | Error e) {
      workerErrors.incrementAndGet();
      System.out.println("create " + name + " failed: " + e);
    }
  }

  /** Informer thread: record what changed and schedule worker actions; never block here. */
  private void observe(QualificationRun r) {
    Instant now = Instant.now();
    Track t = tracks.get(r.getMetadata().getName());
    QualificationRunStatus s = r.getStatus();
    if (t == null || s == null) return;
    synchronized (t) {
      Integer k = s.getAttempt();
      Instant since = Times.parse(s.getLivenessSince());
      if (k != null
          && (t.attemptsSeen.isEmpty()
              || t.attemptsSeen.get(t.attemptsSeen.size() - 1) != k.intValue())) {
        t.attemptsSeen.add(k);
      }
      if (k != null && since != null && (s.getPhase() == Phase.Pending)) {
        t.livenessSince.putIfAbsent(k, since);
        if (t.acted.add(k)) {
          act(t, k);
        }
      }
      if (s.getAttempts() != null) {
        for (AttemptRecord a : s.getAttempts()) {
          if (a.getAttempt() == null || !t.recorded.add(a.getAttempt())) continue;
          int attempt = a.getAttempt();
          boolean lostHeartbeat = Reasons.HEARTBEAT_LOST.equals(a.getReason());
          if (!lostHeartbeat && !Reasons.START_TIMEOUT.equals(a.getReason())) continue;
          // The attempt's record and the limit's message come in the same status write.
          Grace g = Grace.of(s.getLastErrorMessage());
          synchronized (graces) {
            graces.computeIfAbsent(a.getReason() + "/" + g.kind(), x -> new Grace.Tally()).add(g);
          }
          if (lostHeartbeat) {
            Instant last = latest(t.livenessSince.get(attempt), t.lastHeartbeat.get(attempt));
            if (last != null) {
              heartbeatLost.add(seconds(last.plus(shape.heartbeat()), now));
              heartbeatLostBeyondGrace.add(
                  seconds(last.plus(shape.heartbeat()).plus(g.length()), now));
              enforcements.add(
                  new Enforced(t.name, a.getReason(), attempt, last.plus(shape.heartbeat()), now));
            }
          } else {
            Instant begun = t.livenessSince.get(attempt);
            if (begun != null) {
              startTimeout.add(seconds(begun.plus(shape.start()), now));
              startTimeoutBeyondGrace.add(seconds(begun.plus(shape.start()).plus(g.length()), now));
              enforcements.add(
                  new Enforced(t.name, a.getReason(), attempt, begun.plus(shape.start()), now));
            }
          }
        }
      }
      if (t.terminalSeen == null
          && (s.getPhase() == Phase.Succeeded || s.getPhase() == Phase.Failed)) {
        t.terminalSeen = now;
        t.terminal = s.getPhase();
        t.reason = s.getReason();
        t.lastError = s.getLastErrorMessage();
        t.attempts = k == null ? 0 : k;
        if (Reasons.DEADLINE_EXCEEDED.equals(s.getReason())) {
          deadline.add(seconds(Times.parse(s.getTimeoutAt()), now));
          enforcements.add(
              new Enforced(t.name, s.getReason(), t.attempts, Times.parse(s.getTimeoutAt()), now));
        }
      }
    }
  }

  private void act(Track t, int attempt) {
    switch (t.kind) {
      case HEALTHY -> healthy(t, attempt, 1, 1500);
      case SLOW -> healthy(t, attempt, 4, 1500);
      case STALLS -> {
        if (attempt == 1) {
          later(300, () -> claim(t, attempt));
          later(1000, () -> heartbeat(t, attempt, 30L, "item=30", false));
        } else {
          healthy(t, attempt, 1, 1500);
        }
      }
      case OVERRUNS -> {
        later(300, () -> claim(t, attempt));
        later(300 + 1500, () -> overrun(t, attempt, 1));
      }
      case NEVER_CLAIMS -> {}
    }
  }

  private void healthy(Track t, int attempt, int heartbeats, long every) {
    later(300, () -> claim(t, attempt));
    for (int h = 1; h <= heartbeats; h++) {
      long completed = 100L * h / (heartbeats + 1);
      later(300 + h * every, () -> heartbeat(t, attempt, completed, "item=" + completed, false));
    }
    later(300 + (heartbeats + 1) * every, () -> heartbeat(t, attempt, 100L, null, true));
  }

  /**
   * A heartbeat with a little progress every 1.5 s until the run is seen terminal. (Until
   * 2026-12-04 each beat was scheduled 300 + 1,500 x beat ms after the one before, so the third
   * came 4.8 s after the second, past the 4 s heartbeat limit: most overrunning runs lost their
   * heartbeat just before their deadline instead of overrunning it.)
   */
  private void overrun(Track t, int attempt, int beat) {
    synchronized (t) {
      if (t.terminalSeen != null) return;
    }
    heartbeat(t, attempt, Math.min(99L, beat * 5L), null, false);
    later(1500, () -> overrun(t, attempt, beat + 1));
  }

  private void later(long millis, Runnable action) {
    if (!workers.isShutdown()) {
      workers.schedule(action, millis, TimeUnit.MILLISECONDS);
    }
  }

  private void claim(Track t, int attempt) {
    Instant now = Instant.now();
    count(
        t, attempt, now, WorkerPatch.claim(client, namespace, t.name, "bench-" + t.name, attempt));
  }

  private void heartbeat(Track t, int attempt, Long completed, String checkpoint, boolean done) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (completed != null) fields.put("completed", completed);
    if (checkpoint != null) fields.put("checkpoint", checkpoint);
    if (done) fields.put("outcome", "Succeeded");
    Instant now = Instant.now();
    count(
        t,
        attempt,
        now,
        WorkerPatch.report(client, namespace, t.name, "bench-" + t.name, attempt, fields, now));
  }

  private void count(Track t, int attempt, Instant now, CompletableFuture<Boolean> sent) {
    sent.whenComplete(
        (ok, error) -> {
          if (error != null || !ok) {
            workerErrors.incrementAndGet();
            return;
          }
          workerPatches.incrementAndGet();
          synchronized (t) {
            t.lastHeartbeat.put(attempt, now.truncatedTo(ChronoUnit.MILLIS));
          }
        });
  }

  Map<Kind, Map<String, Integer>> outcomes() {
    Map<Kind, Map<String, Integer>> out = new EnumMap<>(Kind.class);
    for (Track t : tracks.values()) {
      String key = t.terminal == null ? "not terminal" : t.terminal + "/" + t.reason;
      out.computeIfAbsent(t.kind, k -> new java.util.TreeMap<>()).merge(key, 1, Integer::sum);
    }
    return out;
  }

  public long unexpected() {
    return unexpectedTracks().count();
  }

  /** The runs that ended other than their kind should (or not at all). */
  private java.util.stream.Stream<Track> unexpectedTracks() {
    return tracks.values().stream().filter(t -> t.terminal != t.kind.expected());
  }

  /** The liveness limits by rule and grace: how many, and the longest grace given. */
  Map<String, Object> graces() {
    Map<String, Object> out = new LinkedHashMap<>();
    synchronized (graces) {
      graces.forEach((k, v) -> out.put(k, v.json()));
    }
    return out;
  }

  /**
   * The first few runs that ended other than their kind should: which kind, how, and the last error
   * the operator wrote (its limit's message, with any grace it gave), to tell a late rule from a
   * grace's price without the operator's log.
   */
  List<String> unexpectedRuns(int max) {
    return unexpectedTracks()
        .sorted(java.util.Comparator.comparing(t -> t.name))
        .limit(max)
        .map(
            t -> {
              synchronized (t) {
                return "%s %s -> %s/%s after %d attempts: %s"
                    .formatted(t.name, t.kind, t.terminal, t.reason, t.attempts, t.lastError);
              }
            })
        .toList();
  }

  long attempts() {
    return tracks.values().stream().mapToLong(t -> t.attempts).sum();
  }

  /** The most runs of this load active at once: created and not yet seen terminal. */
  int maxActive() {
    List<Map.Entry<Instant, Integer>> edges = new ArrayList<>();
    for (Track t : tracks.values()) {
      synchronized (t) {
        if (t.created == null) continue;
        edges.add(Map.entry(t.created, 1));
        if (t.terminalSeen != null) edges.add(Map.entry(t.terminalSeen, -1));
      }
    }
    edges.sort(Map.Entry.comparingByKey());
    int active = 0;
    int max = 0;
    for (var e : edges) {
      active += e.getValue();
      max = Math.max(max, active);
    }
    return max;
  }

  Instant lastTerminal() {
    return tracks.values().stream()
        .map(t -> t.terminalSeen)
        .filter(java.util.Objects::nonNull)
        .max(Instant::compareTo)
        .orElse(null);
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.isAfter(b) ? a : b;
  }

  static double seconds(Instant fired, Instant seen) {
    return Duration.between(fired, seen).toNanos() / 1e9;
  }

  static void awaitQuietly(ScheduledExecutorService pool, Duration max) {
    try {
      pool.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
