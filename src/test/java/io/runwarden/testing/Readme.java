package io.runwarden.testing;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.api.v1alpha1.QualificationRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's (and docs') fenced code blocks, so tests run what users copy, exactly as written.
 */
public final class Readme {

  private Readme() {}

  /** The code blocks of the README's section under {@code heading} (a "## " line), in order. */
  public static List<String> blocks(String heading) {
    return blocks("README.md", heading);
  }

  /** The same for another document of the project, e.g. {@code docs/security.md}. */
  public static List<String> blocks(String file, String heading) {
    String text;
    try {
      text = Files.readString(TestCluster.projectDir().resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = text.indexOf("\n## " + heading + "\n");
    if (start < 0) {
      throw new AssertionError(file + " has no section " + heading);
    }
    int end = text.indexOf("\n## ", start + 1);
    String section = text.substring(start, end < 0 ? text.length() : end);
    List<String> blocks = new ArrayList<>();
    int at = 0;
    while ((at = section.indexOf("\n```", at)) >= 0) {
      int body = section.indexOf('\n', at + 1) + 1;
      int close = section.indexOf("\n```", body - 1);
      blocks.add(section.substring(body, close + 1));
      at = close + 4;
    }
    return blocks;
  }

  /**
   * The README's one-run Role for a worker ("Worker protocol"), as YAML, for run {@code run} (the
   * README writes it for llm-batch-42).
   */
  public static String oneRunRole(String run) {
    return blocks("Worker protocol").stream()
        .filter(b -> b.startsWith("apiVersion: rbac.authorization.k8s.io/v1"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("README's Worker protocol has no Role"))
        .replace("llm-batch-42", run);
  }

  /**
   * A docs block that is a run's {@code spec:} (or part of one), read into a run named "docs" the
   * way the API server's client reads a run.
   */
  public static QualificationRun runWithSpec(String specBlock) {
    return new KubernetesSerialization()
        .unmarshal(
            "apiVersion: runwarden.io/v1alpha1\nkind: QualificationRun\nmetadata:\n  name: docs\n"
                + specBlock,
            QualificationRun.class);
  }

  /** The non-blank lines of a block, trailing comments (" # ...") removed. */
  public static List<String> commands(String block) {
    return block
        .lines()
        .map(l -> l.replaceAll("\\s+# .*$", "").strip())
        .filter(l -> !l.isEmpty())
        .toList();
  }
}
