package io.runwarden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's reading of the audit log, on a log written by hand. */
class AuditLogTest {

  private static final String OPERATOR = "fabric8-kubernetes-client/7.4.0";

  @TempDir Path dir;

  @Test
  void aDeadlinesLatenessIsSplitAtTheOperatorsStatusWriteAfterTheDeadline() throws Exception {
    Instant due = Instant.parse("2026-12-03T10:00:00Z");
    Path log = dir.resolve("audit.log");
    Files.write(
        log,
        List.of(
            // before the deadline: not the write that enforced it
            entry(OPERATOR, "patch", "status", "run-1", "09:59:58.000", "09:59:58.010"),
            // the report closed first, then the status write
            entry(OPERATOR, "patch", null, "run-1", "10:00:00.300", "10:00:00.350", "reports"),
            entry(OPERATOR, "patch", "status", "run-1", "10:00:00.400", "10:00:00.650"),
            // a worker's write (another client) and another namespace's run do not count
            entry("runwarden-bench", "patch", "status", "run-1", "10:00:00.100", "10:00:00.110"),
            entry(OPERATOR, "patch", "status", "run-2", "10:00:00.050", "10:00:00.060")));

    Map<String, Object> split = split(log, "run-1", due, "10:00:00.900");

    assertThat(split).containsEntry("matched", 1).containsEntry("enforced", 1);
    assertThat(split.get("operator"))
        .isEqualTo(Map.of("p50Seconds", 0.4, "p99Seconds", 0.4, "maxSeconds", 0.4));
    assertThat(split.get("apiServer"))
        .isEqualTo(Map.of("p50Seconds", 0.25, "p99Seconds", 0.25, "maxSeconds", 0.25));
    assertThat(split.get("watch"))
        .isEqualTo(Map.of("p50Seconds", 0.25, "p99Seconds", 0.25, "maxSeconds", 0.25));
    assertThat((List<?>) split.get("slowest"))
        .singleElement()
        .asString()
        .startsWith("run-1 due 2026-12-03T10:00:00Z: operator 0.400 + API server 0.250")
        .contains("before it: patch qualificationrunreports at +0.300 s, answered in 0.050 s")
        .doesNotContain("qualificationruns/status at");
  }

  @Test
  void aWriteWhoseChangeTheWatchDeliveredBeforeItsAnswerStillCounts() throws Exception {
    Path log = dir.resolve("audit.log");
    Files.write(
        log, List.of(entry(OPERATOR, "patch", "status", "run-3", "10:00:00.200", "10:00:00.500")));

    Map<String, Object> split =
        split(log, "run-3", Instant.parse("2026-12-03T10:00:00Z"), "10:00:00.450");

    assertThat(split).containsEntry("matched", 1);
    assertThat(split.get("watch"))
        .isEqualTo(Map.of("p50Seconds", -0.05, "p99Seconds", -0.05, "maxSeconds", -0.05));
  }

  @Test
  void aStartsListsAreListedInTheOrderSentWithTheirAnswersTimes() throws Exception {
    Path log = dir.resolve("audit.log");
    Files.write(
        log,
        List.of(
            entry(OPERATOR, "list", null, "", "10:00:03.500", "10:00:04.200", "reports"),
            entry(OPERATOR, "list", null, "", "10:00:03.000", "10:00:05.600"),
            // not a list; another client's list; a list before the start
            entry(OPERATOR, "get", null, "run-1", "10:00:03.100", "10:00:03.110"),
            entry("runwarden-bench", "list", null, "", "10:00:03.200", "10:00:03.300"),
            entry(OPERATOR, "list", null, "", "09:59:59.000", "09:59:59.500")));

    List<String> lists =
        AuditLog.lists(
            log,
            "fabric8-kubernetes-client",
            Instant.parse("2026-12-03T10:00:00Z"),
            Instant.parse("2026-12-03T10:01:00Z"));

    assertThat(lists)
        .containsExactly(
            "list qualificationruns: sent +3.00 s, answered in 2.60 s",
            "list qualificationrunreports: sent +3.50 s, answered in 0.70 s");
  }

  @Test
  void requestsAreCountedByClientVerbAndResource() throws Exception {
    Path log = dir.resolve("audit.log");
    Files.write(
        log,
        List.of(
            entry(OPERATOR, "patch", "status", "run-1", "10:00:00.000", "10:00:00.100"),
            entry(OPERATOR, "patch", "status", "run-3", "10:00:01.000", "10:00:01.300"),
            entry(OPERATOR, "get", null, "run-1", "10:00:02.000", "10:00:02.010", "reports"),
            entry("runwarden-bench", "patch", "status", "run-1", "10:00:00.500", "10:00:00.600"),
            // another namespace
            entry(OPERATOR, "patch", "status", "run-2", "10:00:00.000", "10:00:00.100")));

    assertThat(AuditLog.count(log, "fabric8", ns -> ns.equals("bench-runs")))
        .isEqualTo(Map.of("patch qualificationruns/status", 2L, "get qualificationrunreports", 1L));
    Map<String, Object> phase =
        AuditLog.phase(
            log,
            "fabric8",
            Instant.parse("2026-12-03T10:00:00.500Z"),
            Instant.parse("2026-12-03T10:00:03Z"),
            2);
    assertThat(phase.get("requests")).isEqualTo(Map.of("patch", 1L, "get", 1L));
    assertThat(phase).containsEntry("writeLatencyP50Seconds", 0.3);
  }

  @Test
  void runUpdatesAreCountedPerMinuteOfTheWindowBetweenTheFirstAndLastCreate() throws Exception {
    Path log = dir.resolve("audit.log");
    Files.write(
        log,
        List.of(
            entry("runwarden-bench", "create", null, "run-1", "10:00:00.000", "10:00:00.000"),
            entry(OPERATOR, "patch", "status", "run-1", "10:00:10.000", "10:00:10.000"),
            entry("kubectl", "update", null, "run-1", "10:00:20.000", "10:00:20.000"),
            entry("runwarden-bench", "create", null, "run-3", "10:00:30.000", "10:00:30.000"),
            // after the window
            entry(OPERATOR, "patch", "status", "run-3", "10:00:40.000", "10:00:40.000")));

    assertThat(AuditLog.runUpdatesPerMinute(log, ns -> true, ns -> ns.equals("bench-runs")))
        .isEqualTo(4.0);
  }

  /** The split of one run's deadline, {@code due}, seen by the benchmark at {@code seen}. */
  private static Map<String, Object> split(Path log, String run, Instant due, String seen) {
    return AuditLog.deadlineSplit(
        log,
        "fabric8-kubernetes-client",
        "bench-runs",
        List.of(
            new RunLoad.Enforced(
                run, "DeadlineExceeded", 1, due, Instant.parse("2026-12-03T" + seen + "Z"))));
  }

  private static String entry(
      String agent, String verb, String sub, String name, String received, String answered) {
    return entry(agent, verb, sub, name, received, answered, "runs");
  }

  private static String entry(
      String agent,
      String verb,
      String sub,
      String name,
      String received,
      String answered,
      String kind) {
    String ns = name.equals("run-2") ? "other" : "bench-runs";
    String resource = kind.equals("reports") ? "qualificationrunreports" : "qualificationruns";
    return String.format(
        "{\"verb\":\"%s\",\"userAgent\":\"%s\",\"objectRef\":{\"resource\":\"%s\","
            + "\"namespace\":\"%s\",\"name\":\"%s\"%s},"
            + "\"requestReceivedTimestamp\":\"2026-12-03T%sZ\",\"stageTimestamp\":\"2026-12-03T%sZ\"}",
        verb,
        agent,
        resource,
        ns,
        name,
        sub == null ? "" : ",\"subresource\":\"" + sub + "\"",
        received,
        answered);
  }
}
