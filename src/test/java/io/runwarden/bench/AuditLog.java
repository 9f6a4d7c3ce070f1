package io.runwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The API server's audit log, the one count of requests both systems cannot disagree with: each
 * finished request, by client (user agent), verb and resource. The operator's own client would
 * count the same requests, minus retries the server never answered.
 */
final class AuditLog {

  static final String POLICY =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived, ResponseStarted]
      rules:
        - level: Metadata
      """;

  private AuditLog() {}

  static List<String> apiServerFlags(Path dir) {
    try {
      Files.createDirectories(dir);
      Path policy = dir.resolve("audit-policy.yaml");
      Files.writeString(policy, POLICY);
      Path log = dir.resolve("audit.log");
      for (Path old : files(log)) Files.delete(old);
      // 0 does not mean unlimited: the API server's log rotation then uses its own default,
      // 100 MB, and a 10,000-run benchmark writes more than that. count() reads every file.
      return List.of(
          "--audit-policy-file=" + policy,
          "--audit-log-path=" + log,
          "--audit-log-format=json",
          "--audit-log-mode=batch",
          "--audit-log-maxsize=0");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Requests whose user agent starts with {@code agentPrefix}: "verb resource[/sub]" -> count. */
  static Map<String, Long> count(Path log, String agentPrefix) {
    return count(log, agentPrefix, namespace -> true);
  }

  /** The same, for requests in the namespaces {@code namespaces} accepts (or in none). */
  static Map<String, Long> count(Path log, String agentPrefix, Predicate<String> namespaces) {
    Map<String, Long> counts = new TreeMap<>();
    forEachEntry(
        log,
        e -> {
          if (!e.path("userAgent").asText("").startsWith(agentPrefix)) return;
          JsonNode ref = e.path("objectRef");
          if (ref.hasNonNull("namespace") && !namespaces.test(ref.path("namespace").asText())) {
            return;
          }
          String resource = ref.path("resource").asText("-");
          if (ref.hasNonNull("subresource")) resource += "/" + ref.path("subresource").asText();
          String verb = e.path("verb").asText();
          counts.merge(verb + " " + resource, 1L, Long::sum);
        });
    return counts;
  }

  /**
   * The operator's ({@code agentPrefix}) list requests received from {@code from} on, each as "list
   * {resource}: sent +s, answered in s", seconds from {@code from}, in the order they were sent:
   * how a start's lists overlapped, or waited for one another.
   */
  static List<String> lists(Path log, String agentPrefix, Instant from, Instant to) {
    TreeMap<Instant, String> sent = new TreeMap<>();
    forEachEntry(
        log,
        e -> {
          if (!"list".equals(e.path("verb").asText())) return;
          if (!e.path("userAgent").asText("").startsWith(agentPrefix)) return;
          Instant received = Instant.parse(e.path("requestReceivedTimestamp").asText());
          if (received.isBefore(from) || received.isAfter(to)) return;
          Instant answered = Instant.parse(e.path("stageTimestamp").asText());
          sent.put(
              received,
              String.format(
                  "list %s: sent +%.2f s, answered in %.2f s",
                  e.path("objectRef").path("resource").asText("-"),
                  Duration.between(from, received).toMillis() / 1000.0,
                  Duration.between(received, answered).toMillis() / 1000.0));
        },
        "\"list\"");
    return List.copyOf(sent.values());
  }

  /**
   * One phase of the benchmark as the API server saw the operator ({@code agentPrefix}): its
   * requests received between {@code from} and {@code to} by verb, per object of the phase and per
   * second, and how long the API server took to answer its writes (p50 and p99, received to
   * answered): the first is what the operator asked, the second how saturated the server was while
   * it asked. Requests per object that stay level while the write latency climbs are what "no
   * amplification under overload" means.
   */
  static Map<String, Object> phase(
      Path log, String agentPrefix, Instant from, Instant to, long objects) {
    Map<String, Long> verbs = new TreeMap<>();
    List<Long> writeMillis = new ArrayList<>();
    forEachEntry(
        log,
        e -> {
          if (!e.path("userAgent").asText("").startsWith(agentPrefix)) return;
          Instant received = Instant.parse(e.path("requestReceivedTimestamp").asText());
          if (received.isBefore(from) || received.isAfter(to)) return;
          String verb = e.path("verb").asText();
          String resource = e.path("objectRef").path("resource").asText("-");
          if ("leases".equals(resource)) return;
          verbs.merge(verb, 1L, Long::sum);
          if (List.of("create", "update", "patch", "delete").contains(verb)) {
            Instant answered = Instant.parse(e.path("stageTimestamp").asText());
            writeMillis.add(Duration.between(received, answered).toMillis());
          }
        },
        agentPrefix);
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    double seconds = Duration.between(from, to).toMillis() / 1000.0;
    out.put("seconds", Math.round(seconds * 10) / 10.0);
    out.put("objects", objects);
    out.put("requests", verbs);
    Map<String, Double> perObject = new TreeMap<>();
    verbs.forEach(
        (v, n) -> perObject.put(v, Math.round(n * 1000.0 / Math.max(1, objects)) / 1000.0));
    out.put("perObject", perObject);
    long total = verbs.values().stream().mapToLong(Long::longValue).sum();
    out.put("perSecond", Math.round(total * 10.0 / Math.max(0.001, seconds)) / 10.0);
    java.util.Collections.sort(writeMillis);
    out.put("writeLatencyP50Seconds", quantile(writeMillis, 0.50));
    out.put("writeLatencyP99Seconds", quantile(writeMillis, 0.99));
    return out;
  }

  private static double quantile(List<Long> sortedMillis, double q) {
    if (sortedMillis.isEmpty()) return Double.NaN;
    int i = (int) Math.min(sortedMillis.size() - 1, Math.ceil(q * sortedMillis.size()) - 1);
    return sortedMillis.get(Math.max(0, i)) / 1000.0;
  }

  /**
   * Updates (patch, update) of run objects, spec or status, by any client, in the namespaces {@code
   * counted} accepts, per minute of the window between the first and the last create of a run in
   * the namespaces {@code window} accepts: what {@code kubectl get -w}, GitOps tools and every
   * other watcher of runs receive while the measured load arrives. Only the audit log is read, so
   * the same method measures any build of the benchmark.
   */
  static double runUpdatesPerMinute(Path log, Predicate<String> counted, Predicate<String> window) {
    List<Instant> updates = new ArrayList<>();
    List<Instant> creates = new ArrayList<>();
    forEachEntry(
        log,
        e -> {
          JsonNode ref = e.path("objectRef");
          String ns = ref.path("namespace").asText("");
          String verb = e.path("verb").asText();
          Instant at = Instant.parse(e.path("stageTimestamp").asText());
          if ("create".equals(verb) && !ref.hasNonNull("subresource") && window.test(ns)) {
            creates.add(at);
          } else if (("patch".equals(verb) || "update".equals(verb)) && counted.test(ns)) {
            updates.add(at);
          }
        },
        "\"qualificationruns\"");
    if (creates.isEmpty()) return Double.NaN;
    Instant from = java.util.Collections.min(creates);
    Instant to = java.util.Collections.max(creates);
    if (!to.isAfter(from)) return Double.NaN;
    long n = updates.stream().filter(t -> !t.isBefore(from) && !t.isAfter(to)).count();
    return n / (Duration.between(from, to).toMillis() / 60_000.0);
  }

  /**
   * Each entry of the log and of the files it was rotated into, parsed, whose line contains every
   * one of {@code contains}: a test on the text first, as parsing every line of a long benchmark's
   * log is most of the time its reading takes.
   */
  private static void forEachEntry(Path log, Consumer<JsonNode> each, String... contains) {
    ObjectMapper json = new ObjectMapper();
    for (Path file : files(log)) {
      try (BufferedReader in = Files.newBufferedReader(file)) {
        String line;
        lines:
        while ((line = in.readLine()) != null) {
          for (String text : contains) {
            if (!line.contains(text)) continue lines;
          }
          each.accept(json.readTree(line));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The log and the files it was rotated into (audit-<time>.log beside it). */
  private static List<Path> files(Path log) {
    String base = log.getFileName().toString().replaceFirst("\\.log$", "");
    try (var listing = Files.list(log.getParent())) {
      return listing
          .filter(
              f -> {
                String n = f.getFileName().toString();
                return n.equals(base + ".log") || (n.startsWith(base + "-") && n.endsWith(".log"));
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where each deadline's lateness went, from the audit log: the operator (due to its status write
   * arriving at the API server: the wake-up, the reconcile, its client), the API server (arrived to
   * answered) and the watch (answered to the benchmark seeing it, which includes the benchmark's
   * own JVM). The write is the operator's first status write of the run that arrived at or after
   * the deadline. The three slowest are listed with the operator's other requests about the run in
   * between (its report, a fresh read), so a tail can be read, not guessed.
   */
  static Map<String, Object> deadlineSplit(
      Path log, String agentPrefix, String namespace, List<RunLoad.Enforced> enforced) {
    // run name -> the operator's requests about it (the run, its status, its report), in order
    Map<String, List<Request>> byRun = new java.util.HashMap<>();
    forEachEntry(
        log,
        e -> {
          JsonNode ref = e.path("objectRef");
          if (!e.path("userAgent").asText("").startsWith(agentPrefix)
              || !namespace.equals(ref.path("namespace").asText())
              || !ref.hasNonNull("name")) {
            return;
          }
          String resource = ref.path("resource").asText();
          if (ref.hasNonNull("subresource")) resource += "/" + ref.path("subresource").asText();
          byRun
              .computeIfAbsent(ref.path("name").asText(), k -> new ArrayList<>())
              .add(
                  new Request(
                      e.path("verb").asText() + " " + resource,
                      Instant.parse(e.path("requestReceivedTimestamp").asText()),
                      Instant.parse(e.path("stageTimestamp").asText())));
        },
        agentPrefix,
        "\"" + namespace + "\"");
    List<long[]> splits = new ArrayList<>(); // operator, API server, watch (ms), index
    List<RunLoad.Enforced> matched = new ArrayList<>();
    List<Request> writes = new ArrayList<>();
    for (RunLoad.Enforced d : enforced) {
      List<Request> requests = byRun.getOrDefault(d.run(), List.of());
      requests.stream()
          .filter(r -> r.what().equals("patch qualificationruns/status"))
          // Received before the benchmark saw the result; not necessarily answered before: the
          // watch can deliver the change before the API server has finished answering the write.
          .filter(r -> !r.received().isBefore(d.fired()) && r.received().isBefore(d.seen()))
          .min(java.util.Comparator.comparing(Request::received))
          .ifPresent(
              w -> {
                splits.add(
                    new long[] {
                      Duration.between(d.fired(), w.received()).toMillis(),
                      Duration.between(w.received(), w.answered()).toMillis(),
                      Duration.between(w.answered(), d.seen()).toMillis(),
                      matched.size()
                    });
                matched.add(d);
                writes.add(w);
              });
    }
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("matched", matched.size());
    out.put("enforced", enforced.size());
    String[] parts = {"operator", "apiServer", "watch"};
    for (int i = 0; i < parts.length; i++) {
      int part = i;
      List<Long> ms = new ArrayList<>(splits.stream().map(s -> s[part]).toList());
      java.util.Collections.sort(ms);
      out.put(
          parts[i],
          Map.of(
              "p50Seconds", quantile(ms, 0.50),
              "p99Seconds", quantile(ms, 0.99),
              "maxSeconds", ms.isEmpty() ? Double.NaN : ms.get(ms.size() - 1) / 1000.0));
    }
    List<String> slowest = new ArrayList<>();
    splits.stream()
        .sorted(java.util.Comparator.comparingLong((long[] s) -> s[0] + s[1] + s[2]).reversed())
        .limit(3)
        .forEach(
            s -> {
              RunLoad.Enforced d = matched.get((int) s[3]);
              Request w = writes.get((int) s[3]);
              StringBuilder b =
                  new StringBuilder(
                      String.format(
                          "%s due %s: operator %.3f + API server %.3f + watch %.3f s",
                          d.run(), d.fired(), s[0] / 1000.0, s[1] / 1000.0, s[2] / 1000.0));
              byRun.get(d.run()).stream()
                  .filter(r -> !r.received().isBefore(d.fired().minusSeconds(1)))
                  .filter(r -> r.received().isBefore(w.received()))
                  .forEach(
                      r ->
                          b.append(
                              String.format(
                                  "; before it: %s at %+.3f s, answered in %.3f s",
                                  r.what(),
                                  Duration.between(d.fired(), r.received()).toMillis() / 1000.0,
                                  Duration.between(r.received(), r.answered()).toMillis()
                                      / 1000.0)));
              slowest.add(b.toString());
            });
    out.put("slowest", slowest);
    return out;
  }

  private record Request(String what, Instant received, Instant answered) {}

  /** Writes: create, update, patch, delete (events and leases are counted apart by callers). */
  static long writes(Map<String, Long> counts, List<String> excludedResources) {
    return counts.entrySet().stream()
        .filter(
            e -> {
              String[] vr = e.getKey().split(" ");
              return List.of("create", "update", "patch", "delete", "deletecollection")
                      .contains(vr[0])
                  && excludedResources.stream().noneMatch(x -> vr[1].startsWith(x));
            })
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  static long verb(Map<String, Long> counts, String verb) {
    return counts.entrySet().stream()
        .filter(e -> e.getKey().startsWith(verb + " "))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }
}
