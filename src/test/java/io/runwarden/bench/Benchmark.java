package io.runwarden.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark of issue #8 (docs/performance.md): Runwarden and the Kubernetes Job controller
 * enforcing deadlines for N objects on the same real API server, side by side.
 *
 * <pre>./mvnw -B -Pbench verify -Dbench.runs=1000</pre>
 *
 * Prints one markdown table and writes target/benchmark/result-N.json. Not part of the tests: it
 * asserts nothing and measures everything.
 */
public final class Benchmark {

  /** The operator's own requests, told apart in the audit log by its client's user agent. */
  static final String OPERATOR_AGENT = "fabric8-kubernetes-client";

  static final String BENCH_AGENT = "runwarden-bench";
  static final String CONTROLLER_MANAGER_AGENT = "kube-controller-manager";
  static final String STANDING_NAMESPACE = "bench-standing";

  private Benchmark() {}

  /**
   * Exits in every case: a failure used to end only the main thread, and the simulated workers'
   * threads kept the JVM, and with it the API server and 10,000 heartbeating runs, alive behind the
   * next benchmark (the test cluster stops from a shutdown hook).
   */
  public static void main(String[] args) {
    exitAfter(Benchmark::run);
  }

  /** A benchmark body that may throw anything. */
  interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body} and exits the JVM whatever happens (see {@link #main}). */
  static void exitAfter(Body body) {
    try {
      body.run();
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run() throws Exception {
    Path out = TestCluster.projectDir().resolve("target/benchmark");
    Files.createDirectories(out);
    // The machine's stalls are noted from before the API server starts to the end (Pauses): the
    // meter's own JVM starts first, so that its start overlaps nothing measured.
    try (Pauses.StallMeter meter = Pauses.StallMeter.start(out.resolve(Pauses.STALLS))) {
      measure(out);
    }
  }

  private static void measure(Path out) throws Exception {
    int runs = Integer.getInteger("bench.runs", 1000);
    double rate = Double.parseDouble(System.getProperty("bench.rate", "10"));
    boolean anchor = Boolean.parseBoolean(System.getProperty("bench.anchor", "true"));
    int anchorJobs = Integer.getInteger("bench.anchorJobs", runs);
    Duration cap = Duration.ofSeconds(Long.getLong("bench.capSeconds", 150));
    int active = Integer.getInteger("bench.active", 1000);

    TestCluster cluster = TestCluster.startWith(AuditLog.apiServerFlags(out));
    Config config = cluster.config();
    config.setUserAgent(BENCH_AGENT);
    config.setMaxConcurrentRequests(128);
    config.setMaxConcurrentRequestsPerHost(64);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("date", Instant.now().toString());
    result.put("runs", runs);
    result.put("createsPerSecond", rate);
    result.put("standingRuns", active);
    result.put("cores", Runtime.getRuntime().availableProcessors());
    List<String> jvm = ProductionJvm.flags(TestCluster.projectDir());
    result.put("operatorJvm", String.join(" ", jvm));

    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      result.put("runwarden", runwarden(client, out, jvm, active, runs, rate, cap));
      int shards = Integer.getInteger("bench.shards", 1);
      if (shards > 1) {
        result.put("shards", shards(client, jvm, shards, runs, rate, cap));
      }
      if (anchor) {
        result.put("jobController", jobController(client, cluster, out, anchorJobs, rate, cap));
      }
    }
    Path audit = out.resolve("audit.log");
    // Per measured run: the standing runs' requests (a claim, then progress mirrors for as long as
    // the benchmark lasts) are counted apart.
    // The shards' requests (bench.shards) are not the one operator's.
    Map<String, Long> operatorRequests =
        AuditLog.count(
            audit,
            OPERATOR_AGENT,
            ns -> !ns.startsWith(STANDING_NAMESPACE) && !ns.startsWith("bench-shard"));
    castMap(result.get("runwarden"))
        .put(
            "standingRequests",
            AuditLog.count(audit, OPERATOR_AGENT, ns -> ns.startsWith(STANDING_NAMESPACE)));
    Map<String, Long> kcmRequests = AuditLog.count(audit, CONTROLLER_MANAGER_AGENT);
    requests(castMap(result.get("runwarden")), operatorRequests, runs, true);
    // The simulated workers share the benchmark's client; its only other writes are the creates.
    Map<String, Long> workerRequests =
        AuditLog.count(
            audit,
            BENCH_AGENT,
            ns -> !ns.startsWith(STANDING_NAMESPACE) && !ns.startsWith("bench-shard"));
    workerRequests.remove("create qualificationruns");
    Map<String, Object> rw = castMap(result.get("runwarden"));
    long workerWrites = AuditLog.writes(workerRequests, List.of());
    rw.put("workerWrites", workerWrites);
    rw.put(
        "workerWritesPerAttempt",
        round(workerWrites / (double) Math.max(1, ((Number) rw.get("attempts")).longValue())));
    rw.put(
        "standingRunUpdatesPerMinute",
        round(
            AuditLog.runUpdatesPerMinute(
                audit,
                ns -> ns.startsWith(STANDING_NAMESPACE),
                ns -> ns.startsWith("bench-runs"))));
    if (anchor) requests(castMap(result.get("jobController")), kcmRequests, anchorJobs, false);
    // Per phase of load, all namespaces: the standing runs' ramp-up (per standing run), the
    // measured load (per measured run, the standing runs' mirrors included), and the restart with
    // every run present (per run present).
    @SuppressWarnings("unchecked")
    Map<String, Instant[]> windows = (Map<String, Instant[]>) rw.remove("phaseWindows");
    Map<String, Object> phaseCounts = new LinkedHashMap<>();
    windows.forEach(
        (name, w) ->
            phaseCounts.put(
                name,
                AuditLog.phase(
                    audit,
                    OPERATOR_AGENT,
                    w[0],
                    w[1],
                    switch (name) {
                      case "rampUp" -> active;
                      case "load" -> runs;
                      default -> active + runs;
                    })));
    rw.put("phases", phaseCounts);
    @SuppressWarnings("unchecked")
    List<RunLoad.Enforced> deadlines = (List<RunLoad.Enforced>) rw.remove("deadlinesSeen");
    rw.put(
        "deadlineSplit",
        AuditLog.deadlineSplit(
            audit, OPERATOR_AGENT, (String) rw.remove("deadlineNamespace"), deadlines));

    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path file = out.resolve("result-" + runs + ".json");
    json.writeValue(file.toFile(), result);
    String table = Report.markdown(result) + Report.shards(result);
    Files.writeString(out.resolve("result-" + runs + ".md"), table);
    System.out.println();
    System.out.println(table);
    System.out.println("JSON: " + file);
  }

  private static Map<String, Object> runwarden(
      KubernetesClient client,
      Path out,
      List<String> productionJvm,
      int active,
      int runs,
      double rate,
      Duration cap)
      throws Exception {
    String ns = newNamespace(client, "bench-runs");
    List<String> args = new java.util.ArrayList<>(productionJvm);
    String extra = System.getProperty("bench.operatorArgs", "").trim();
    if (!extra.isEmpty()) args.addAll(List.of(extra.split("\\s+")));
    String[] jvm = args.toArray(String[]::new);
    Map<String, Object> r = new LinkedHashMap<>();
    Map<String, Instant[]> windows = new LinkedHashMap<>();
    // Ready on an empty cluster twice. The first start comes seconds after kube-apiserver booted
    // and shares the two cores with its start-up work; a pod restart meets an API server that has
    // been running for a while, which is what the second start measures. Both are reported.
    try (OperatorProcess first = OperatorProcess.start(jvm)) {
      r.put("readyAfterApiServerBootSeconds", round(first.readyAfter().toMillis() / 1000.0));
    }
    // The measured operator writes a GC log, read beside the machine's stalls (Pauses): a late
    // deadline is then told apart from a paused process.
    Path gcLog = out.resolve("gc-measured.log");
    Files.deleteIfExists(gcLog);
    List<String> measured = new java.util.ArrayList<>(args);
    measured.add(Pauses.gcLogFlag(gcLog));
    try (OperatorProcess operator = OperatorProcess.start(measured.toArray(String[]::new))) {
      r.put("readySeconds", round(operator.readyAfter().toMillis() / 1000.0));
      // CPU by phase: what the start-up, the standing runs' ramp-up and the measured load cost.
      double cpuAtReady = ProcStats.of(operator.pid()).cpuSeconds();
      Standing standing =
          new Standing(
              client,
              newNamespace(client, STANDING_NAMESPACE),
              active,
              Double.parseDouble(System.getProperty("bench.activeRate", "50")),
              Duration.ofSeconds(Long.getLong("bench.activeHeartbeatSeconds", 180)));
      RunLoad load = new RunLoad(client, ns, runs, rate);
      double cpuAfterRampUp;
      try (standing) {
        Instant rampUpFrom = Instant.now();
        standing.start(Duration.ofMinutes(30));
        Instant rampUpTo = Instant.now();
        cpuAfterRampUp = ProcStats.of(operator.pid()).cpuSeconds();
        r.put("standingRampUpSeconds", round(standing.rampUp.toMillis() / 1000.0));
        load.run(cap);
        windows.put("rampUp", new Instant[] {rampUpFrom, rampUpTo});
        windows.put("load", new Instant[] {load.firstCreate, Instant.now()});
        r.put("deadlineNamespace", ns);
        r.put(
            "deadlinesSeen",
            load.enforcements.stream()
                .filter(e -> Reasons.DEADLINE_EXCEEDED.equals(e.rule()))
                .toList());
        // Standing runs that ended: none should, every one is healthy and far from its limits.
        Map<Phase, Long> phases = standing.phases();
        r.put(
            "standingRunningAtEnd", phases.isEmpty() ? -1 : phases.getOrDefault(Phase.Running, 0L));
        r.put(
            "standingEnded",
            phases.isEmpty()
                ? -1
                : phases.entrySet().stream()
                    .filter(e -> e.getKey().isTerminal())
                    .mapToLong(Map.Entry::getValue)
                    .sum());
        r.put("standingWorkerPatches", standing.workerPatches.get());
        r.put("standingWorkerErrors", standing.workerErrors.get());
        r.put("maxActive", active + load.maxActive());
      }
      ProcStats proc = ProcStats.of(operator.pid());
      r.put("cpuStartSeconds", round(cpuAtReady));
      r.put("cpuRampUpSeconds", round(cpuAfterRampUp - cpuAtReady));
      r.put("cpuLoadSeconds", round(proc.cpuSeconds() - cpuAfterRampUp));
      String metrics = operator.metrics();
      Files.writeString(out.resolve("operator-metrics-" + runs + ".txt"), metrics);
      r.put("deadline", load.deadline.json());
      r.put("heartbeatLost", load.heartbeatLost.json());
      r.put("startTimeout", load.startTimeout.json());
      r.put("heartbeatLostBeyondGrace", load.heartbeatLostBeyondGrace.json());
      r.put("startTimeoutBeyondGrace", load.startTimeoutBeyondGrace.json());
      r.put(
          "operatorMeasuredLatenessP99BucketSeconds",
          Prometheus.quantileBound(metrics, "runwarden_enforcement_lateness_seconds", 0.99));
      r.put(
          "operatorMeasuredLatenessMaxSeconds",
          Prometheus.max(metrics, "runwarden_enforcement_lateness_seconds_max"));
      r.put(
          "operatorMeasuredEnforcements",
          Prometheus.sum(metrics, "runwarden_enforcement_lateness_seconds_count"));
      r.put("throughputPerMinute", perMinute(runs, load.firstCreate, load.lastTerminal()));
      r.put("attempts", load.attempts());
      r.put("outcomes", load.outcomes());
      r.put("unexpectedOutcomes", load.unexpected());
      r.put("unexpectedRuns", load.unexpectedRuns(10));
      r.put("livenessGraces", load.graces());
      r.put("workerPatches", load.workerPatches.get());
      r.put("workerErrors", load.workerErrors.get());
      r.put("cpuSeconds", round(proc.cpuSeconds()));
      r.put("peakRssMb", round(proc.peakRssMb()));
      r.put("reconciles", Prometheus.sum(metrics, Report.RECONCILES));
      r.put(
          "reconcileP99BucketSeconds",
          Prometheus.quantileBound(metrics, Report.RECONCILE_TIMER, 0.99));
      r.put("reconcileMaxSeconds", Prometheus.max(metrics, Report.RECONCILE_TIMER + "_max"));
      r.put(
          "clientThrottledSeconds",
          Prometheus.sum(
              metrics, "runwarden_api_client_throttled_seconds_total", "requests=\"decisions\""));
      r.put(
          "eventsThrottledSeconds",
          Prometheus.sum(
              metrics, "runwarden_api_client_throttled_seconds_total", "requests=\"events\""));
    }
    Pauses gc = Pauses.gcLog(gcLog);
    Pauses stalls = Pauses.stalls(out.resolve(Pauses.STALLS));
    for (String phase : List.of("rampUp", "load")) {
      Instant[] w = windows.get(phase);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("operatorGcPauses", gc.within(w[0], w[1]).json());
      p.put("machineStalls", stalls.within(w[0], w[1]).json());
      r.put("pauses_" + phase, p);
    }
    // Ready again with every run of the benchmark in the cluster: the informer lists them all.
    Instant restartFrom = Instant.now();
    try (OperatorProcess restarted = OperatorProcess.start(jvm)) {
      r.put("readyWithAllRunsSeconds", round(restarted.readyAfter().toMillis() / 1000.0));
      // A minute with every run present and nothing changing: what a restart costs after ready.
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(60).toNanos());
    }
    windows.put("restart", new Instant[] {restartFrom, Instant.now()});
    r.put("phaseWindows", windows);
    return r;
  }

  /**
   * bench.shards=N: the same measured load split over N namespaces, each served by its own operator
   * (watchNamespaces, as N Helm releases would be), all at once on the same API server, after the
   * one-operator phase. No standing runs here: it compares what each shard enforces with what one
   * operator did for all of them.
   */
  private static List<Map<String, Object>> shards(
      KubernetesClient client, List<String> jvm, int n, int runs, double rate, Duration cap)
      throws Exception {
    List<OperatorProcess> operators = new java.util.ArrayList<>();
    List<RunLoad> loads = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        String ns = newNamespace(client, "bench-shard-" + i);
        List<String> args = new java.util.ArrayList<>(jvm);
        args.add("-Dquarkus.operator-sdk.controllers.qualificationrun.namespaces=" + ns);
        operators.add(OperatorProcess.start(args.toArray(String[]::new)));
        loads.add(new RunLoad(client, ns, runs / n, rate / n));
      }
      List<java.util.concurrent.CompletableFuture<Void>> running =
          loads.stream()
              .map(l -> java.util.concurrent.CompletableFuture.runAsync(() -> l.run(cap)))
              .toList();
      running.forEach(java.util.concurrent.CompletableFuture::join);
      List<Map<String, Object>> out = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        Map<String, Object> r = new LinkedHashMap<>();
        ProcStats proc = ProcStats.of(operators.get(i).pid());
        RunLoad load = loads.get(i);
        r.put("runs", runs / n);
        r.put("deadline", load.deadline.json());
        r.put("heartbeatLost", load.heartbeatLost.json());
        r.put("startTimeout", load.startTimeout.json());
        r.put("unexpectedOutcomes", load.unexpected());
        r.put("cpuSeconds", round(proc.cpuSeconds()));
        r.put("peakRssMb", round(proc.peakRssMb()));
        out.add(r);
      }
      return out;
    } finally {
      operators.forEach(OperatorProcess::close);
    }
  }

  private static Map<String, Object> jobController(
      KubernetesClient client, TestCluster cluster, Path out, int jobs, double rate, Duration cap)
      throws Exception {
    Path binaries =
        Path.of(
            System.getenv()
                .getOrDefault(
                    "KUBE_API_TEST_DIR",
                    Path.of(System.getProperty("user.home"), ".kubeapitest").toString()),
            "k8s",
            TestCluster.DEFAULT_VERSION + "-linux-amd64");
    Map<String, Object> r = new LinkedHashMap<>();
    try (KubeControllerManager kcm =
        new KubeControllerManager(
            binaries, cluster.kubeconfig(), out.resolve("kube-controller-manager.log"))) {
      // Ready when its Job controller has synced: a warm-up Job gets its startTime.
      String warm = newNamespace(client, "bench-warmup");
      Instant started = Instant.now();
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(warm)
          .resource(
              client
                  .getKubernetesSerialization()
                  .unmarshal(
                      """
                      apiVersion: batch/v1
                      kind: Job
                      metadata: {name: warmup}
                      spec:
                        template:
                          spec:
                            restartPolicy: Never
                            automountServiceAccountToken: false
                            containers: [{name: w, image: runwarden.invalid/never-runs:1}]
                      """,
                      Job.class))
          .create();
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(warm)
          .withName("warmup")
          .waitUntilCondition(
              j -> j != null && j.getStatus() != null && j.getStatus().getStartTime() != null,
              2,
              TimeUnit.MINUTES);
      r.put("readySeconds", round(Duration.between(started, Instant.now()).toMillis() / 1000.0));
      String ns = newNamespace(client, "bench-jobs");
      JobLoad load = new JobLoad(client, ns, jobs, rate);
      load.run(cap);
      ProcStats proc = ProcStats.of(kcm.pid());
      r.put("deadline", load.lateness.json());
      r.put("throughputPerMinute", perMinute(jobs, load.firstCreate, load.lastEnforced()));
      r.put("capSeconds", cap.toSeconds());
      r.put("cpuSeconds", round(proc.cpuSeconds()));
      r.put("peakRssMb", round(proc.peakRssMb()));
    }
    return r;
  }

  private static void requests(
      Map<String, Object> r, Map<String, Long> counts, int objects, boolean operator) {
    r.put("requests", counts);
    Map<String, Double> perObject = new LinkedHashMap<>();
    for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete")) {
      perObject.put(verb, round(AuditLog.verb(counts, verb) / (double) objects));
    }
    r.put("requestsPerObjectByVerb", perObject);
    r.put("listRequests", AuditLog.verb(counts, "list"));
    long writes = AuditLog.writes(counts, List.of("events", "leases"));
    r.put("writes", writes);
    if (operator) {
      long attempts = ((Number) r.get("attempts")).longValue();
      r.put("writesPerAttempt", round(writes / (double) Math.max(1, attempts)));
    }
  }

  static String newNamespace(KubernetesClient client, String prefix) {
    String name = prefix + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .build())
        .create();
    return name;
  }

  private static Object perMinute(int n, Instant first, Instant last) {
    if (first == null || last == null) return "n/a";
    return round(n / (Duration.between(first, last).toMillis() / 60_000.0));
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  static String fmt(Object v) {
    if (v instanceof Double d) return String.format(Locale.ROOT, "%.3f", d);
    return String.valueOf(v);
  }
}
