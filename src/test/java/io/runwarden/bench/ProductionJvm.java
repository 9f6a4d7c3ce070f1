package io.runwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.testing.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags the operator runs with in its pod, read from the files that set them so the
 * benchmark cannot drift from what ships: the image's environment (Dockerfile.jvm) as the base
 * image's run script turns it into flags, and the chart's memory limit.
 *
 * <p>The run script (run-java.sh, through java-default-options, in the ubi9 OpenJDK images) puts
 * its defaults first and {@code JAVA_OPTS_APPEND} last, so a later flag wins: {@code
 * -XX:MaxRAMPercentage=80}, {@code GC_CONTAINER_OPTIONS} (else the Parallel collector), {@code
 * -XX:MinHeapFreeRatio} and {@code -XX:MaxHeapFreeRatio} from {@code GC_MIN_HEAP_FREE_RATIO} and
 * {@code GC_MAX_HEAP_FREE_RATIO} (10 and 20 unless set), {@code -XX:GCTimeRatio=4
 * -XX:AdaptiveSizePolicyWeight=90}, {@code -XX:+ExitOnOutOfMemoryError}, then {@code
 * JAVA_OPTS_APPEND}. Leaving the script's own flags out measured a JVM that keeps up to 70 % of its
 * old generation free after a collection, where the image keeps at most 20 %.
 *
 * <p>The limit becomes {@code -XX:MaxRAM}: in a container the JVM sizes itself from its cgroup
 * limit, on this machine it would see all the host's memory. Without it the initial heap is 1/64 of
 * the host (hundreds of MB here, 8 MB in a 512Mi pod) and the measured RSS says more about the host
 * than about the operator.
 */
final class ProductionJvm {

  private static final Pattern ENV =
      Pattern.compile("^ENV\\s+(\\w+)=\"([^\"]*)\"", Pattern.MULTILINE);

  private ProductionJvm() {}

  static List<String> flags(Path projectDir) {
    try {
      String dockerfile = Files.readString(projectDir.resolve("Dockerfile.jvm"));
      Map<String, String> env = new HashMap<>();
      Matcher m = ENV.matcher(dockerfile);
      while (m.find()) {
        env.put(m.group(1), m.group(2).trim());
      }
      List<String> flags = new ArrayList<>();
      flags.add("-XX:MaxRAM=" + memoryLimitBytes(projectDir));
      flags.add("-XX:MaxRAMPercentage=80.0");
      addXX(flags, env.getOrDefault("GC_CONTAINER_OPTIONS", "-XX:+UseParallelGC"));
      flags.add("-XX:MinHeapFreeRatio=" + env.getOrDefault("GC_MIN_HEAP_FREE_RATIO", "10"));
      flags.add("-XX:MaxHeapFreeRatio=" + env.getOrDefault("GC_MAX_HEAP_FREE_RATIO", "20"));
      flags.add("-XX:GCTimeRatio=4");
      flags.add("-XX:AdaptiveSizePolicyWeight=90");
      flags.add("-XX:+ExitOnOutOfMemoryError");
      addXX(flags, env.getOrDefault("JAVA_OPTS_APPEND", ""));
      return flags;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code main} in a child JVM with these flags, the given system properties and arguments,
   * on this JVM's class path, and waits for it: a measurement made as the operator's pod would run
   * it (C1 only). Prints the command line first.
   */
  static void runMeasuringJvm(Class<?> main, List<String> properties, List<String> args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags(TestCluster.projectDir()));
    command.addAll(properties);
    System.out.println("Measuring JVM: " + String.join(" ", command));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("the measuring JVM exited with " + exit);
    }
  }

  /**
   * The -XX flags only: the image's -D ones (HTTP host, JUL log manager) do not change what is
   * measured, and the operator process binds its own port.
   */
  private static void addXX(List<String> flags, String options) {
    Arrays.stream(options.split("\\s+")).filter(f -> f.startsWith("-XX:")).forEach(flags::add);
  }

  private static long memoryLimitBytes(Path projectDir) throws IOException {
    JsonNode values =
        new KubernetesSerialization()
            .unmarshal(
                Files.readString(projectDir.resolve("deploy/helm/runwarden/values.yaml")),
                JsonNode.class);
    String limit = values.path("resources").path("limits").path("memory").asText();
    if (limit.isEmpty()) {
      throw new IllegalStateException("the chart's values.yaml sets no resources.limits.memory");
    }
    return Quantity.getAmountInBytes(new Quantity(limit)).longValueExact();
  }
}
