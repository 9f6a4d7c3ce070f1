package io.runwarden.worker;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A Runwarden worker's side of the protocol (README, "Worker protocol"), in a few calls:
 *
 * <pre>{@code
 * try (RunwardenWorker worker = RunwardenWorker.fromEnvironment()) {
 *   if (!(worker.claim() instanceof Claim.Claimed claimed)) return;   // another worker has it
 *   for (long i = claimed.completed() + 1; i <= total; i++) {
 *     process(i);
 *     worker.progress(i, "item-" + i);                                  // cheap: coalesced
 *   }
 *   worker.succeed();
 * }
 * }</pre>
 *
 * <p>It claims the open attempt exactly as the README's {@code claim} does (the report's whole
 * status replaced under the resourceVersion read: of two workers, one wins), then writes every
 * report as the README's {@code report} does (a JSON patch that tests the attempt and the worker,
 * so once the attempt is not this worker's, nothing it sends changes anything). A background thread
 * heartbeats at a third of the run's heartbeat limit and writes the newest progress at most once
 * per {@link Builder#progressInterval}; it also reads the run each heartbeat interval, so a worker
 * whose attempt was abandoned (a newer attempt, the run ended or was force-failed) is told within
 * one interval: {@link #isCancelled()}, {@link #onCancel} callbacks, and an {@link
 * AttemptCancelledException} from the next call. A suspended run ({@code spec.suspend}, or a budget
 * spent with {@code onExhausted: Suspend}) is seen the same way: {@link #isSuspended()}, {@link
 * #awaitWhileSuspended()} between work items, {@link #onSuspension}. Transient API errors (no
 * answer, timeouts, 429, 5xx, a restarting API server) are retried with backoff without losing a
 * report; {@link #succeed()} and {@link #fail} carry the newest progress and checkpoint with them.
 * A JVM shutdown (SIGTERM) flushes the last progress.
 */
public final class RunwardenWorker implements AutoCloseable {

  static final String GROUP_VERSION = "runwarden.io/v1alpha1";

  /** How long a refusal (401, 403) is tried again at least, e.g. after an API server restart. */
  static final Duration REFUSAL_PATIENCE = Duration.ofSeconds(30);

  /** Heartbeat when the run sets no heartbeat limit: still often enough to notice cancellation. */
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String namespace;
  private final String run;
  private final String worker;
  private final Integer expectedAttempt;
  private final Duration progressInterval;
  private final Duration claimWait;
  private final Duration finishWithin;
  private final Duration tick;
  private final GenericKubernetesResource reportIdentity;

  private final PendingReport pending = new PendingReport();
  private final List<Consumer<String>> cancelListeners = new CopyOnWriteArrayList<>();
  private final List<BiConsumer<Boolean, String>> suspensionListeners =
      new CopyOnWriteArrayList<>();
  private final Object suspension = new Object();
  private final ScheduledExecutorService loop;

  private volatile int attempt;
  private volatile Duration heartbeatInterval = DEFAULT_HEARTBEAT;
  private volatile String cancelled;
  private volatile String suspendedAs;
  private volatile boolean finished;
  private Thread shutdownHook;

  // Loop state: touched only on the loop thread.
  private long lastWrite;
  private long lastRunCheck;
  private long retryAt;
  private int failuresInARow;
  private long refusedSince;

  private RunwardenWorker(Builder b) {
    this.ownsClient = b.client == null;
    this.client = b.client != null ? b.client : new KubernetesClientBuilder().build();
    this.run = Objects.requireNonNull(b.run, "the run's name (RUNWARDEN_RUN)");
    this.namespace = b.namespace != null ? b.namespace : client.getNamespace();
    this.worker =
        b.worker != null ? b.worker : "worker-" + UUID.randomUUID().toString().substring(0, 8);
    this.expectedAttempt = b.attempt;
    this.reportIdentity =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(GROUP_VERSION)
            .withKind("QualificationRunReport")
            .withNewMetadata()
            .withName(run)
            .withNamespace(namespace)
            .endMetadata()
            .build();
    this.progressInterval = b.progressInterval;
    this.claimWait = b.claimWait;
    this.finishWithin = b.finishWithin;
    this.tick = b.tick;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "runwarden-worker-" + run);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Identity from the environment a managed attempt's pod has: {@code RUNWARDEN_RUN}, {@code
   * RUNWARDEN_NAMESPACE}, {@code RUNWARDEN_ATTEMPT}; the worker's name from {@code
   * RUNWARDEN_WORKER} or {@code HOSTNAME} (the pod's name). Credentials as the Fabric8 client finds
   * them: the pod's service account in a cluster, else {@code KUBECONFIG} or {@code
   * ~/.kube/config}.
   */
  public static RunwardenWorker fromEnvironment() {
    return builder().fromEnvironment(System.getenv()).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public String run() {
    return run;
  }

  public String namespace() {
    return namespace;
  }

  public String worker() {
    return worker;
  }

  /** The claimed attempt; 0 before a claim. */
  public int attempt() {
    return attempt;
  }

  // --- claim ---------------------------------------------------------------------------------

  /**
   * Claims the run's open attempt. Waits (up to {@link Builder#claimWait}) for the operator to open
   * one; a lost race or an attempt that is not this pod's is a {@link Claim.Lost}, not an error.
   */
  public Claim claim() {
    if (attempt != 0) {
      throw new IllegalStateException("attempt " + attempt + " is already claimed");
    }
    long deadline = System.nanoTime() + claimWait.toNanos();
    int failures = 0;
    while (true) {
      GenericKubernetesResource report;
      try {
        report = reports().get();
      } catch (KubernetesClientException e) {
        if (!Retries.transientError(e)) throw e;
        report = null;
        failures++;
      }
      Integer open = report == null ? null : integer(report, "spec", "attempt");
      if (open != null && expectedAttempt != null && open < expectedAttempt) {
        open = null; // this pod's attempt is not open yet: wait for the operator
      }
      if (open != null) {
        if (expectedAttempt != null && !expectedAttempt.equals(open)) {
          return new Claim.Lost(
              "this worker was started for attempt "
                  + expectedAttempt
                  + ", and the run's open attempt is "
                  + open);
        }
        Integer taken = integer(report, "status", "attempt");
        if (open.equals(taken)) {
          return new Claim.Lost(
              "attempt " + open + " is already claimed by " + string(report, "status", "worker"));
        }
        try {
          claimAt(report.getMetadata().getResourceVersion(), open);
        } catch (KubernetesClientException e) {
          if (e.getCode() == 409) {
            return new Claim.Lost("another worker claimed attempt " + open + " first");
          }
          if (!Retries.transientError(e)) throw e;
          failures++;
          sleep(Retries.backoff(failures));
          continue;
        }
        return claimed(report, open);
      }
      if (System.nanoTime() > deadline) {
        return new Claim.Lost("the run " + run + " opened no attempt within " + claimWait);
      }
      sleep(failures > 0 ? Retries.backoff(failures) : Duration.ofMillis(500));
    }
  }

  private Claim claimed(GenericKubernetesResource report, int open) {
    this.attempt = open;
    Optional<Duration> limit =
        Optional.ofNullable(string(report, "spec", "heartbeatTimeout")).map(Durations::parse);
    this.heartbeatInterval = heartbeatInterval(limit);
    long now = System.nanoTime();
    lastWrite = now;
    lastRunCheck = now;
    loop.scheduleWithFixedDelay(
        this::safeTick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    shutdownHook = new Thread(this::flushQuietly, "runwarden-worker-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    Long completed = longValue(report, "spec", "completed");
    return new Claim.Claimed(
        open,
        completed == null ? 0 : completed,
        Optional.ofNullable(string(report, "spec", "checkpoint")),
        Optional.ofNullable(string(report, "spec", "serviceJobId")),
        limit);
  }

  /** A third of the limit (two missed heartbeats still leave a margin), 1-30 s. */
  static Duration heartbeatInterval(Optional<Duration> limit) {
    Duration d = limit.map(l -> l.dividedBy(3)).orElse(DEFAULT_HEARTBEAT);
    if (d.compareTo(Duration.ofSeconds(1)) < 0) return Duration.ofSeconds(1);
    return d.compareTo(DEFAULT_HEARTBEAT) > 0 ? DEFAULT_HEARTBEAT : d;
  }

  private void claimAt(String resourceVersion, int open) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("attempt", open);
    status.put("worker", worker);
    status.put("heartbeatAt", now());
    patch(
        List.of(
            op("replace", "/metadata/resourceVersion", resourceVersion),
            op("add", "/status", status)));
  }

  // --- reports -------------------------------------------------------------------------------

  /** Items done so far (counted across attempts when resuming). Cheap: written coalesced. */
  public void progress(long completed) {
    set("completed", completed);
  }

  /** Items done so far and where a next attempt would resume. Cheap: written coalesced. */
  public void progress(long completed, String checkpoint) {
    set("completed", completed);
    set("checkpoint", checkpoint);
  }

  public void checkpoint(String checkpoint) {
    set("checkpoint", checkpoint);
  }

  /**
   * What this attempt has spent so far against the run's {@code spec.budget} (tokens, cents,
   * calls): cumulative, counting from 0 in each attempt. Cheap: written coalesced. The run fails
   * (or is suspended) {@code BudgetExhausted} once its attempts' spend reaches the limit, which
   * this worker then sees as a cancellation.
   */
  public void spent(long amount) {
    set("spent", amount);
  }

  /** Items in all, when the worker knows better than the run's spec. */
  public void total(long total) {
    set("total", total);
  }

  /** The external service's job id, so the operator can ask the service before a retry. */
  public void serviceJobId(String id) {
    set("serviceJobId", id);
  }

  /** Free text for humans about what the worker is doing. */
  public void message(String text) {
    set("message", text);
  }

  private void set(String field, Object value) {
    requireActive();
    pending.put(field, value);
  }

  /** Writes whatever is pending now, and waits for it (e.g. before a risky step). */
  public void flush() {
    requireActive();
    await(loop.submit(() -> writeNow(true)));
    requireActive();
  }

  /** The attempt succeeded: the newest progress and checkpoint go with the outcome. */
  public void succeed() {
    finish(Map.of("outcome", "Succeeded"));
  }

  /**
   * The attempt failed. With {@code retryable} false the run fails at once ({@code NonRetryable});
   * otherwise the operator retries it if the run's policy allows.
   */
  public void fail(String error, boolean retryable) {
    Map<String, Object> outcome = new LinkedHashMap<>();
    outcome.put("outcome", "Failed");
    outcome.put("error", error);
    outcome.put("retryable", retryable);
    finish(outcome);
  }

  private void finish(Map<String, Object> outcome) {
    requireActive();
    finished = true;
    outcome.forEach(pending::put);
    try {
      await(
          loop.submit(
              () -> {
                long giveUp = System.nanoTime() + finishWithin.toNanos();
                while (!pending.isEmpty() && cancelled == null) {
                  writeNow(false);
                  if (!pending.isEmpty() && cancelled == null) {
                    if (System.nanoTime() > giveUp) {
                      throw new IllegalStateException(
                          "the outcome could not be written within " + finishWithin);
                    }
                    sleep(Retries.backoff(failuresInARow));
                  }
                }
              }));
    } finally {
      stop();
    }
    if (cancelled != null) {
      throw new AttemptCancelledException(cancelled);
    }
  }

  // --- cancellation --------------------------------------------------------------------------

  /** True once the attempt is no longer this worker's. */
  public boolean isCancelled() {
    return cancelled != null;
  }

  /** Why the attempt was cancelled, if it was. */
  public Optional<String> cancellationReason() {
    return Optional.ofNullable(cancelled);
  }

  /** Called once, on the library's thread, when the attempt is cancelled (at once if it was). */
  public void onCancel(Consumer<String> listener) {
    cancelListeners.add(listener);
    String reason = cancelled;
    if (reason != null && cancelListeners.remove(listener)) {
      listener.accept(reason);
    }
  }

  /** Throws {@link AttemptCancelledException} when the attempt is no longer this worker's. */
  public void throwIfCancelled() {
    String reason = cancelled;
    if (reason != null) {
      throw new AttemptCancelledException(reason);
    }
  }

  private void requireActive() {
    if (attempt == 0) throw new IllegalStateException("claim() an attempt first");
    throwIfCancelled();
    if (finished) throw new IllegalStateException("the attempt's outcome was already reported");
  }

  // --- suspension ----------------------------------------------------------------------------

  /**
   * True while the run is Suspended ({@code spec.suspend}, or its budget spent with {@code
   * onExhausted: Suspend}), as of the library's last look at the run (once per heartbeat interval).
   */
  public boolean isSuspended() {
    return suspendedAs != null;
  }

  /**
   * Returns at once unless the run is Suspended; then blocks, heartbeating, until it is resumed
   * (seen within one heartbeat interval). Call it between work items: a run suspended for its
   * budget must stop spending.
   *
   * @throws AttemptCancelledException if the attempt ends meanwhile (the run deadline still applies
   *     to a suspended run)
   */
  public void awaitWhileSuspended() throws InterruptedException {
    throwIfCancelled();
    synchronized (suspension) {
      while (suspendedAs != null && cancelled == null) {
        suspension.wait();
      }
    }
    throwIfCancelled();
  }

  /**
   * Called on the library's thread when it sees the run suspended ({@code true} and the reason) and
   * again when resumed ({@code false}, null).
   */
  public void onSuspension(BiConsumer<Boolean, String> listener) {
    suspensionListeners.add(listener);
  }

  private void setSuspended(String reason) {
    synchronized (suspension) {
      if (Objects.equals(reason, suspendedAs) || (reason != null && suspendedAs != null)) return;
      suspendedAs = reason;
      suspension.notifyAll();
    }
    for (BiConsumer<Boolean, String> l : suspensionListeners) {
      try {
        l.accept(reason != null, reason);
      } catch (RuntimeException ignored) {
        // a listener's failure must not stop the others
      }
    }
  }

  private void cancel(String reason) {
    if (cancelled != null) return;
    cancelled = reason;
    synchronized (suspension) {
      suspension.notifyAll(); // an awaitWhileSuspended() ends with AttemptCancelledException
    }
    for (Consumer<String> l : cancelListeners) {
      if (cancelListeners.remove(l)) {
        try {
          l.accept(reason);
        } catch (RuntimeException ignored) {
          // a listener's failure must not stop the others
        }
      }
    }
  }

  // --- the background loop -------------------------------------------------------------------

  private void safeTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      // Never let the schedule die: the next tick tries again.
    }
  }

  private void tick() {
    if (cancelled != null || finished) return;
    long now = System.nanoTime();
    boolean heartbeatDue = now - lastWrite >= heartbeatInterval.toNanos();
    long progressEvery = Math.min(progressInterval.toNanos(), heartbeatInterval.toNanos());
    boolean progressDue = !pending.isEmpty() && now - lastWrite >= progressEvery;
    if ((heartbeatDue || progressDue) && now >= retryAt) {
      writeNow(false);
    }
    if (cancelled == null && now - lastRunCheck >= heartbeatInterval.toNanos()) {
      lastRunCheck = now;
      checkRun();
    }
  }

  /**
   * Writes the pending fields with a heartbeat. A transient failure puts them back and backs off; a
   * refused write (422: the test of attempt or worker failed; 404: the report is gone) cancels.
   */
  private void writeNow(boolean throwTransient) {
    if (cancelled != null) return;
    Map<String, Object> fields = pending.take();
    try {
      report(fields);
      lastWrite = System.nanoTime();
      failuresInARow = 0;
      retryAt = 0;
      refusedSince = 0;
    } catch (KubernetesClientException e) {
      pending.restore(fields);
      if (Retries.transientError(e) || refusalMayPass(e)) {
        failuresInARow++;
        retryAt = System.nanoTime() + Retries.backoff(failuresInARow).toNanos();
        if (throwTransient) throw e;
      } else if (e.getCode() == 422) {
        cancel(
            "attempt "
                + attempt
                + " is no longer this worker's: a newer attempt is open or another worker"
                + " claimed it");
      } else if (e.getCode() == 404) {
        cancel("the run " + run + " is gone");
      } else {
        cancel(
            "the API server refused this worker's report: " + e.getCode() + " " + e.getMessage());
      }
    }
  }

  /**
   * A 401 or 403 is tried again for as long as the run's heartbeat limit (at least 30 s): an API
   * server that has just restarted refuses requests until its RBAC caches are filled ("role ... not
   * found"), and a worker that gave up then would be judged stuck. A refusal that lasts longer is
   * real: the attempt is then over for this worker.
   */
  private boolean refusalMayPass(KubernetesClientException e) {
    if (e.getCode() != 401 && e.getCode() != 403) return false;
    long now = System.nanoTime();
    if (refusedSince == 0) refusedSince = now;
    long patience =
        Math.max(heartbeatInterval.multipliedBy(3).toNanos(), REFUSAL_PATIENCE.toNanos());
    return now - refusedSince < patience;
  }

  /** The run ended, or moved on to a newer attempt, without this worker's report saying so. */
  private void checkRun() {
    GenericKubernetesResource r;
    try {
      r =
          client
              .genericKubernetesResources(GROUP_VERSION, "QualificationRun")
              .inNamespace(namespace)
              .withName(run)
              .get();
    } catch (KubernetesClientException e) {
      return; // transient or not, the next check (and the next write) will tell
    }
    if (r == null) {
      cancel("the run " + run + " is gone");
      return;
    }
    String phase = string(r, "status", "phase");
    Integer current = integer(r, "status", "attempt");
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      cancel(
          "the run "
              + run
              + " has "
              + phase.toLowerCase()
              + " ("
              + string(r, "status", "reason")
              + ")");
    } else if (current != null && current > attempt) {
      cancel(
          "the run "
              + run
              + " is on attempt "
              + current
              + "; attempt "
              + attempt
              + " was abandoned");
    } else {
      String reason = string(r, "status", "reason");
      setSuspended("Suspended".equals(phase) ? (reason == null ? "Suspended" : reason) : null);
    }
  }

  private void report(Map<String, Object> fields) {
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(op("test", "/spec/attempt", attempt));
    ops.add(op("test", "/status/worker", worker));
    ops.add(op("add", "/status/heartbeatAt", now()));
    fields.forEach((k, v) -> ops.add(op("add", "/status/" + k, v)));
    patch(ops);
  }

  /**
   * One request per write. The report is named by its identity, not only by {@code withName}:
   * Fabric8's {@code patch} with a text body reads the object first when it has none (to learn the
   * URL), which made every heartbeat two requests where the other libraries send one.
   */
  private void patch(List<Map<String, Object>> ops) {
    client
        .genericKubernetesResources(GROUP_VERSION, "QualificationRunReport")
        .inNamespace(namespace)
        .resource(reportIdentity)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(ops));
  }

  private Resource<GenericKubernetesResource> reports() {
    return client
        .genericKubernetesResources(GROUP_VERSION, "QualificationRunReport")
        .inNamespace(namespace)
        .withName(run);
  }

  // --- shutdown ------------------------------------------------------------------------------

  /** SIGTERM: the last progress is written if it can be within a few seconds. */
  private void flushQuietly() {
    if (finished || cancelled != null || attempt == 0) return;
    try {
      loop.submit(() -> writeNow(false)).get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the process is going away; the operator judges from what did arrive
    }
  }

  /** Stops heartbeating. An attempt left without an outcome ends by its limits (or a new claim). */
  @Override
  public void close() {
    stop();
    if (ownsClient) client.close();
  }

  private void stop() {
    loop.shutdownNow();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException ignored) {
        // already shutting down
      }
      shutdownHook = null;
    }
  }

  // --- small helpers -------------------------------------------------------------------------

  private static void await(java.util.concurrent.Future<?> f) {
    try {
      f.get(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String now() {
    return Instant.now().toString();
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.put("path", path);
    m.put("value", value);
    return m;
  }

  private static Object field(GenericKubernetesResource r, String section, String name) {
    Object s = r.getAdditionalProperties().get(section);
    return s instanceof Map<?, ?> m ? m.get(name) : null;
  }

  private static String string(GenericKubernetesResource r, String section, String name) {
    Object v = field(r, section, name);
    return v == null ? null : v.toString();
  }

  private static Integer integer(GenericKubernetesResource r, String section, String name) {
    Object v = field(r, section, name);
    return v instanceof Number n ? n.intValue() : null;
  }

  private static Long longValue(GenericKubernetesResource r, String section, String name) {
    Object v = field(r, section, name);
    return v instanceof Number n ? n.longValue() : null;
  }

  /** How a worker finds its run and reports. */
  public static final class Builder {
    private KubernetesClient client;
    private String namespace;
    private String run;
    private String worker;
    private Integer attempt;
    private Duration progressInterval = Duration.ofSeconds(5);
    private Duration claimWait = Duration.ofMinutes(1);
    private Duration finishWithin = Duration.ofMinutes(2);
    private Duration tick = Duration.ofMillis(100);

    private Builder() {}

    /** {@code RUNWARDEN_RUN}, {@code RUNWARDEN_NAMESPACE}, {@code RUNWARDEN_ATTEMPT}, the name. */
    public Builder fromEnvironment(Map<String, String> env) {
      run = env.getOrDefault("RUNWARDEN_RUN", run);
      namespace = env.getOrDefault("RUNWARDEN_NAMESPACE", namespace);
      String a = env.get("RUNWARDEN_ATTEMPT");
      if (a != null && !a.isBlank()) attempt = Integer.parseInt(a.strip());
      worker = env.getOrDefault("RUNWARDEN_WORKER", env.getOrDefault("HOSTNAME", worker));
      return this;
    }

    /** A client of the caller's (it stays open when the worker closes). */
    public Builder client(KubernetesClient client) {
      this.client = client;
      return this;
    }

    public Builder run(String run) {
      this.run = run;
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** This worker's name in the run's status and history (default: the pod's name). */
    public Builder worker(String worker) {
      this.worker = worker;
      return this;
    }

    /** Claim only this attempt (managed mode: the pod's {@code RUNWARDEN_ATTEMPT}). */
    public Builder attempt(int attempt) {
      this.attempt = attempt;
      return this;
    }

    /** At most one progress write per interval (default 5 s); heartbeats keep their own pace. */
    public Builder progressInterval(Duration interval) {
      this.progressInterval = interval;
      return this;
    }

    /** How long {@link #claim()} waits for the operator to open an attempt (default 1 min). */
    public Builder claimWait(Duration wait) {
      this.claimWait = wait;
      return this;
    }

    /** How long succeed/fail keep retrying a transient failure (default 2 min). */
    public Builder finishWithin(Duration within) {
      this.finishWithin = within;
      return this;
    }

    public RunwardenWorker build() {
      return new RunwardenWorker(this);
    }
  }
}
