package io.runwarden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's reading of a GC log and of the stall meter's notes. */
class PausesTest {

  @TempDir Path dir;

  /** Lines as JDK 17 writes them with {@code -Xlog:gc:file=...:time} (copied from one). */
  @Test
  void readsEachPauseOfAGcLogAndNothingElse() throws Exception {
    Path log = dir.resolve("gc.log");
    Files.write(
        log,
        List.of(
            "[2026-12-04T06:43:14.073+0000] Using Parallel",
            "[2026-12-04T06:43:15.797+0000] GC(0) Pause Young (Allocation Failure) 16M->2M(61M)"
                + " 26.076ms",
            "[2026-12-04T06:43:16.000+0000] GC(1) Pause Full (Ergonomics) 180M->120M(200M)"
                + " 412.500ms"));
    Pauses p = Pauses.gcLog(log);
    assertThat(p.pauses())
        .containsExactly(
            new Pauses.Pause(
                Instant.parse("2026-12-04T06:43:15.797Z"), Duration.ofNanos(26_076_000)),
            new Pauses.Pause(
                Instant.parse("2026-12-04T06:43:16.000Z"), Duration.ofNanos(412_500_000)));
    assertThat(p.json())
        .containsEntry("count", 2)
        .containsEntry("totalSeconds", 0.439)
        .containsEntry("longestSeconds", 0.413)
        .containsEntry(
            "longest", List.of("2026-12-04T06:43:16Z 0.413 s", "2026-12-04T06:43:15.797Z 0.026 s"));
  }

  @Test
  void aMissingLogIsNoPauses() throws Exception {
    assertThat(Pauses.gcLog(dir.resolve("none")).pauses()).isEmpty();
    assertThat(Pauses.stalls(dir.resolve("none")).json()).containsEntry("longestSeconds", 0.0);
  }

  @Test
  void keepsOnlyThePausesThatEndedInTheWindow() throws Exception {
    Path log = dir.resolve("stalls.txt");
    Files.write(
        log,
        List.of(
            "2026-12-04T06:00:00Z 150000000",
            "2026-12-04T06:00:10Z 2500000000",
            "2026-12-04T06:00:20Z 120000000"));
    Pauses p =
        Pauses.stalls(log)
            .within(Instant.parse("2026-12-04T06:00:05Z"), Instant.parse("2026-12-04T06:00:15Z"));
    assertThat(p.pauses())
        .containsExactly(
            new Pauses.Pause(Instant.parse("2026-12-04T06:00:10Z"), Duration.ofMillis(2500)));
  }

  /**
   * The meter itself: stopped for half a second by a signal, as a hypervisor or an overloaded host
   * would stop it, it notes a stall at least that long once it runs again.
   */
  @Test
  void theStallMeterNotesAStallAsLongAsTheProcessWasStopped() throws Exception {
    Path log = dir.resolve("meter.txt");
    try (Pauses.StallMeter meter = Pauses.StallMeter.start(log)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(log).startsWith("ready"));
      signal("STOP", meter.pid());
      // The stimulus, not a synchronisation: how long the meter is kept from running.
      Thread.sleep(500);
      signal("CONT", meter.pid());
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !Pauses.stalls(log).pauses().isEmpty());
    }
    assertThat(Pauses.stalls(log).pauses())
        .anySatisfy(p -> assertThat(p.length()).isGreaterThanOrEqualTo(Duration.ofMillis(450)));
  }

  private static void signal(String name, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor())
        .isZero();
  }
}
