package io.runwarden.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stretches of time in which a process did not run: the operator's garbage-collection pauses (its
 * GC log) and the machine's own stalls (a process that asks to sleep 10 ms and notes each time it
 * woke far later, as jHiccup does). A deadline enforced late while either paused is the pause's
 * lateness, not a rule's; one late while neither did is the operator's. This machine's hypervisor
 * reports no steal time, so the stall meter is the only way to see the machine stop.
 */
record Pauses(List<Pause> pauses) {

  /** A pause that ended at {@code end} and lasted {@code length}. */
  record Pause(Instant end, Duration length) {}

  private static final Pattern GC_PAUSE =
      Pattern.compile("^\\[([^\\]]+)\\] GC\\(\\d+\\) Pause .* (\\d+(?:\\.\\d+)?)ms$");
  private static final DateTimeFormatter GC_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  /** Where the benchmark's stall meter writes, in its output directory. */
  static final String STALLS = "stalls.txt";

  /** The JVM flag that makes a process write the GC log {@link #gcLog} reads. */
  static String gcLogFlag(Path file) {
    return "-Xlog:gc:file=" + file + ":time";
  }

  /**
   * The pauses in a GC log written with {@link #gcLogFlag} (each line stamped at the pause's end).
   */
  static Pauses gcLog(Path file) throws IOException {
    List<Pause> out = new ArrayList<>();
    if (!Files.exists(file)) return new Pauses(out);
    for (String line : Files.readAllLines(file)) {
      Matcher m = GC_PAUSE.matcher(line.strip());
      if (m.matches()) {
        out.add(
            new Pause(
                OffsetDateTime.parse(m.group(1), GC_TIME).toInstant(),
                Duration.ofNanos((long) (Double.parseDouble(m.group(2)) * 1e6))));
      }
    }
    return new Pauses(out);
  }

  /** The stalls a {@link #main stall meter} wrote: one "end-instant nanos" line per stall. */
  static Pauses stalls(Path file) throws IOException {
    List<Pause> out = new ArrayList<>();
    if (!Files.exists(file)) return new Pauses(out);
    for (String line : Files.readAllLines(file)) {
      String[] f = line.strip().split(" ");
      if (f.length == 2)
        out.add(new Pause(Instant.parse(f[0]), Duration.ofNanos(Long.parseLong(f[1]))));
    }
    return new Pauses(out);
  }

  /** The {@link #main stall meter} running, noting stalls of 100 ms or more into a file. */
  static final class StallMeter implements AutoCloseable {
    private final Process process;

    private StallMeter(Process process) {
      this.process = process;
    }

    static StallMeter start(Path file) throws IOException {
      Files.deleteIfExists(file);
      return new StallMeter(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx16m",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Pauses.class.getName(),
                  "100")
              .redirectOutput(file.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start());
    }

    long pid() {
      return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor();
    }
  }

  /**
   * The stall meter, run as its own small JVM (it allocates nothing in its loop, so it never pauses
   * for its own garbage): sleeps 10 ms at a time and prints each wake-up more than {@code args[0]}
   * ms late, as the instant it woke and how long it was gone beyond the 10 ms. Its first line,
   * "ready", says it is measuring.
   */
  public static void main(String[] args) {
    long step = Duration.ofMillis(10).toNanos();
    long report = Duration.ofMillis(Long.parseLong(args[0])).toNanos();
    PrintStream out = System.out;
    out.println("ready");
    out.flush();
    while (true) {
      long from = System.nanoTime();
      LockSupport.parkNanos(step);
      long late = System.nanoTime() - from - step;
      if (late >= report) {
        out.println(Instant.now() + " " + late);
        out.flush();
      }
    }
  }

  /** The pauses that ended in [from, to]. */
  Pauses within(Instant from, Instant to) {
    return new Pauses(
        pauses.stream().filter(p -> !p.end().isBefore(from) && !p.end().isAfter(to)).toList());
  }

  /** How many, in all, the longest, and the five longest with when they ended. */
  Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", pauses.size());
    out.put(
        "totalSeconds",
        Benchmark.round(pauses.stream().mapToLong(p -> p.length().toNanos()).sum() / 1e9));
    List<Pause> longest =
        pauses.stream().sorted(Comparator.comparing(Pause::length).reversed()).limit(5).toList();
    out.put(
        "longestSeconds",
        longest.isEmpty() ? 0.0 : Benchmark.round(longest.get(0).length().toNanos() / 1e9));
    out.put(
        "longest",
        longest.stream()
            .map(p -> p.end() + " " + Benchmark.round(p.length().toNanos() / 1e9) + " s")
            .toList());
    return out;
  }
}
