package io.runwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags the operator runs with in its pod, read from the files that set them so the
 * benchmark cannot drift from what ships: the image's {@code GC_CONTAINER_OPTIONS} and {@code
 * JAVA_OPTS_APPEND} (src/main/docker/Dockerfile.jvm) and the chart's memory limit.
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
      String dockerfile = Files.readString(projectDir.resolve("src/main/docker/Dockerfile.jvm"));
      List<String> flags = new ArrayList<>();
      flags.add("-XX:MaxRAM=" + memoryLimitBytes(projectDir));
      Matcher m = ENV.matcher(dockerfile);
      while (m.find()) {
        if (m.group(1).equals("GC_CONTAINER_OPTIONS") || m.group(1).equals("JAVA_OPTS_APPEND")) {
          Arrays.stream(m.group(2).trim().split("\\s+"))
              .filter(f -> f.startsWith("-XX:"))
              .forEach(flags::add);
        }
      }
      return flags;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
