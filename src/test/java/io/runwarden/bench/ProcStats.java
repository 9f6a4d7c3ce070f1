package io.runwarden.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds and peak RSS of a live process, read from /proc (Linux): read them before the process
 * is stopped.
 */
record ProcStats(double cpuSeconds, long peakRssBytes) {

  /** USER_HZ is 100 on every Linux architecture the JDK runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  static ProcStats of(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name "(...)": state is field 3, utime 14, stime 15.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return new ProcStats(cpu, hwm);
    } catch (IOException e) {
      return new ProcStats(Double.NaN, -1);
    }
  }

  double peakRssMb() {
    return peakRssBytes / (1024.0 * 1024.0);
  }
}
