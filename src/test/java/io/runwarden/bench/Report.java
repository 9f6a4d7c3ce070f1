package io.runwarden.bench;

import static io.runwarden.bench.Benchmark.castMap;
import static io.runwarden.bench.Benchmark.fmt;

import java.util.List;
import java.util.Map;

/** The side-by-side markdown table, with the targets checked for Runwarden. */
final class Report {

  static final String RECONCILE_TIMER = "operator_sdk_controllers_execution_reconcile_seconds";
  static final String RECONCILES = "operator_sdk_controllers_execution_reconcile_seconds_count";

  private Report() {}

  /** bench.shards: each shard's lateness beside the one operator's, or nothing. */
  @SuppressWarnings("unchecked")
  static String shards(Map<String, Object> result) {
    if (!result.containsKey("shards")) {
      return "";
    }
    Map<String, Object> one = castMap(result.get("runwarden"));
    StringBuilder b = new StringBuilder("\n| | one operator |");
    List<Map<String, Object>> shards = (List<Map<String, Object>>) result.get("shards");
    for (int i = 0; i < shards.size(); i++) b.append(" shard ").append(i).append(" |");
    b.append("\n|---|---|").append("---|".repeat(shards.size())).append('\n');
    for (String rule : List.of("deadline", "heartbeatLost", "startTimeout")) {
      b.append("| ").append(rule).append(" p50 / p99 / max s | ").append(triple(one.get(rule)));
      for (Map<String, Object> s : shards) b.append(" | ").append(triple(s.get(rule)));
      b.append(" |\n");
    }
    b.append("| runs / unexpected outcomes | ")
        .append(result.get("runs"))
        .append(" / ")
        .append(one.get("unexpectedOutcomes"));
    for (Map<String, Object> s : shards) {
      b.append(" | ").append(s.get("runs")).append(" / ").append(s.get("unexpectedOutcomes"));
    }
    b.append(" |\n| operator CPU s / peak RSS MB | ")
        .append(one.get("cpuSeconds"))
        .append(" / ")
        .append(one.get("peakRssMb"));
    for (Map<String, Object> s : shards) {
      b.append(" | ").append(s.get("cpuSeconds")).append(" / ").append(s.get("peakRssMb"));
    }
    return b.append(" |\n").toString();
  }

  private static String triple(Object lateness) {
    Map<String, Object> l = castMap(lateness);
    return l.get("p50Seconds") + " / " + l.get("p99Seconds") + " / " + l.get("maxSeconds");
  }

  static String markdown(Map<String, Object> result) {
    Map<String, Object> rw = castMap(result.get("runwarden"));
    Map<String, Object> jc =
        result.containsKey("jobController") ? castMap(result.get("jobController")) : Map.of();
    int runs = ((Number) result.get("runs")).intValue();
    StringBuilder md = new StringBuilder();
    md.append("### Benchmark: ")
        .append(runs)
        .append(" objects, created at ")
        .append(fmt(result.get("createsPerSecond")))
        .append("/s, ")
        .append(result.get("cores"))
        .append(" cores, ")
        .append(result.get("date"))
        .append("\n\n");
    md.append("| | Runwarden | Job controller (kube-controller-manager 1.20, defaults) |\n");
    md.append("|---|---|---|\n");
    row(
        md,
        "Active runs at most (standing + this load)",
        fmt(rw.get("maxActive"))
            + " ("
            + fmt(result.get("standingRuns"))
            + " standing, all Running after "
            + fmt(rw.get("standingRampUpSeconds"))
            + " s; "
            + fmt(rw.get("standingEnded"))
            + " ended)",
        "- (no standing Jobs)");
    row(
        md,
        "Deadline enforcement lateness p50 / p99 / max",
        lat(rw.get("deadline")),
        lat(jc.get("deadline")));
    row(md, "Deadlines enforced / missed", counts(rw.get("deadline")), counts(jc.get("deadline")));
    if (rw.get("deadlineSplit") != null) {
      Map<String, Object> split = castMap(rw.get("deadlineSplit"));
      row(
          md,
          "Deadline lateness by part, p50 / p99 / max: operator (due to its write arriving) ·"
              + " API server (to the answer) · watch (to the benchmark seeing it)",
          lat(split.get("operator"))
              + " · "
              + lat(split.get("apiServer"))
              + " · "
              + lat(split.get("watch"))
              + " ("
              + fmt(split.get("matched"))
              + " of "
              + fmt(split.get("enforced"))
              + " matched in the audit log)",
          "-");
      @SuppressWarnings("unchecked")
      List<String> slowest = (List<String>) split.get("slowest");
      for (String s : slowest) row(md, "Slow deadline", s, "-");
    }
    row(
        md,
        "Stuck (HeartbeatLost) lateness p50 / p99 / max",
        lat(rw.get("heartbeatLost")),
        "no such rule");
    row(md, "StartTimeout lateness p50 / p99 / max", lat(rw.get("startTimeout")), "no such rule");
    row(
        md,
        "HeartbeatLost / StartTimeout lateness past the limit plus the grace the operator gave, p99",
        p99(rw.get("heartbeatLostBeyondGrace")) + " / " + p99(rw.get("startTimeoutBeyondGrace")),
        "-");
    row(
        md,
        "Operator's own histogram: p99 bucket / max / count",
        "≤ "
            + fmt(rw.get("operatorMeasuredLatenessP99BucketSeconds"))
            + " s / "
            + fmt(rw.get("operatorMeasuredLatenessMaxSeconds"))
            + " s / "
            + fmt(rw.get("operatorMeasuredEnforcements")),
        "-");
    row(
        md,
        "Throughput, created to terminal (per minute)",
        fmt(rw.get("throughputPerMinute")),
        fmt(jc.get("throughputPerMinute")));
    row(
        md,
        "API requests per object, by verb",
        perVerb(rw.get("requestsPerObjectByVerb")),
        perVerb(jc.get("requestsPerObjectByVerb")));
    row(md, "List requests (total)", fmt(rw.get("listRequests")), fmt(jc.get("listRequests")));
    row(
        md,
        "Operator writes per attempt (excl. events, leases)",
        fmt(rw.get("writesPerAttempt"))
            + " ("
            + fmt(rw.get("writes"))
            + " / "
            + fmt(rw.get("attempts"))
            + " attempts)",
        "-");
    row(
        md,
        "Simulated workers' writes per attempt",
        fmt(rw.get("workerWritesPerAttempt")) + " (" + fmt(rw.get("workerWrites")) + ")",
        "-");
    row(
        md,
        "Updates of standing run objects per minute (any client, while the load arrives)",
        fmt(rw.get("standingRunUpdatesPerMinute")),
        "-");
    row(md, "Reconciles (total)", fmt(rw.get("reconciles")), "-");
    row(
        md,
        "Reconcile p99 bucket / max",
        "≤ "
            + fmt(rw.get("reconcileP99BucketSeconds"))
            + " s / "
            + fmt(rw.get("reconcileMaxSeconds"))
            + " s",
        "-");
    row(md, "CPU seconds", fmt(rw.get("cpuSeconds")), fmt(jc.get("cpuSeconds")));
    row(
        md,
        "CPU seconds by phase: start-up to ready / standing runs' ramp-up / measured load",
        fmt(rw.get("cpuStartSeconds"))
            + " / "
            + fmt(rw.get("cpuRampUpSeconds"))
            + " / "
            + fmt(rw.get("cpuLoadSeconds")),
        "-");
    row(md, "Peak RSS (MB)", fmt(rw.get("peakRssMb")), fmt(jc.get("peakRssMb")));
    row(
        md,
        "Ready after start (s): empty cluster, just after the API server booted / empty cluster,"
            + " restarted / restarted with every run present",
        fmt(rw.get("readyAfterApiServerBootSeconds"))
            + " / "
            + fmt(rw.get("readySeconds"))
            + " / "
            + fmt(rw.get("readyWithAllRunsSeconds")),
        fmt(jc.get("readySeconds")));
    row(
        md,
        "Outcomes",
        String.valueOf(rw.get("outcomes")),
        "all Jobs fail by deadline (pods never run)");
    row(
        md,
        "Unexpected outcomes / worker errors",
        fmt(rw.get("unexpectedOutcomes")) + " / " + fmt(rw.get("workerErrors")),
        "-");
    row(
        md,
        "During the measured load: the operator's GC pauses / the machine's stalls of 100 ms or"
            + " more (count, longest s)",
        pauses(rw.get("pauses_load"), "operatorGcPauses")
            + " / "
            + pauses(rw.get("pauses_load"), "machineStalls"),
        "-");
    row(
        md,
        "Liveness limits by the grace the operator gave (count, longest grace)",
        String.valueOf(rw.get("livenessGraces")),
        "-");
    row(
        md,
        "Time held back by the client-side rate limit, decisions / Events (s, summed over threads)",
        fmt(rw.get("clientThrottledSeconds")) + " / " + fmt(rw.get("eventsThrottledSeconds")),
        "-");
    md.append(phases(rw.get("phases")));
    return md.toString();
  }

  private static String pauses(Object phase, String which) {
    if (phase == null) return "-";
    Map<String, Object> p = castMap(castMap(phase).get(which));
    return fmt(p.get("count")) + ", " + fmt(p.get("longestSeconds"));
  }

  /**
   * The operator's requests per phase of load, per object of the phase, beside how long the API
   * server took to answer its writes then.
   */
  static String phases(Object o) {
    if (o == null) return "";
    StringBuilder md = new StringBuilder("\n#### The operator's requests per phase\n\n");
    md.append(
        "| Phase | Seconds | Objects | Requests per object, by verb | Requests/s |"
            + " API server's answer to its writes, p50 / p99 |\n");
    md.append("|---|---|---|---|---|---|\n");
    castMap(o)
        .forEach(
            (name, v) -> {
              Map<String, Object> p = castMap(v);
              md.append("| ")
                  .append(name)
                  .append(" | ")
                  .append(fmt(p.get("seconds")))
                  .append(" | ")
                  .append(fmt(p.get("objects")))
                  .append(" | ")
                  .append(perVerb(p.get("perObject")))
                  .append(" | ")
                  .append(fmt(p.get("perSecond")))
                  .append(" | ")
                  .append(s(p.get("writeLatencyP50Seconds")))
                  .append(" / ")
                  .append(s(p.get("writeLatencyP99Seconds")))
                  .append(" |\n");
            });
    return md.toString();
  }

  private static void row(StringBuilder md, String name, String a, String b) {
    md.append("| ").append(name).append(" | ").append(a).append(" | ").append(b).append(" |\n");
  }

  private static String lat(Object o) {
    if (o == null) return "-";
    Map<String, Object> m = castMap(o);
    return s(m.get("p50Seconds")) + " / " + s(m.get("p99Seconds")) + " / " + s(m.get("maxSeconds"));
  }

  private static String p99(Object o) {
    return o == null ? "-" : s(castMap(o).get("p99Seconds"));
  }

  private static String s(Object v) {
    return v instanceof Number ? fmt(((Number) v).doubleValue()) + " s" : String.valueOf(v);
  }

  private static String counts(Object o) {
    if (o == null) return "-";
    Map<String, Object> m = castMap(o);
    return m.get("enforced") + " / " + m.get("missed");
  }

  private static String perVerb(Object o) {
    if (o == null) return "-";
    StringBuilder b = new StringBuilder();
    castMap(o)
        .forEach(
            (verb, v) -> {
              if (((Number) v).doubleValue() > 0) {
                if (b.length() > 0) b.append(", ");
                b.append(verb).append(' ').append(fmt(v));
              }
            });
    return b.toString();
  }
}
