package io.runwarden.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.testing.Processes;
import io.runwarden.testing.Readme;
import io.runwarden.testing.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The long runs' commands of docs/performance.md ("Method", "2026-12-02: a slower machine (issue
 * #20)") and docs/reliability.md, which take 5 to 30 minutes each and so are not run by the test
 * command: every part of each line is checked to mean what the docs say, so a renamed profile,
 * property, class or script fails here instead of in a user's hands. Every profile the line names
 * exists; every {@code -Dbench.*} reaches the benchmark's JVM through the profile; every {@code
 * -Dchaos.*} is read by ChaosIT; {@code -Dit.test} and {@code -Dbench.main} name classes that
 * exist; a {@code -Drunwarden.*} handed to the operator is a key of its configuration; a script is
 * there, executable, and parses.
 */
@Tag("pure")
class LongRunCommandsTest {

  private static final Path ROOT = TestCluster.projectDir();

  @Test
  void everyPartOfTheDocumentedLongRunsMeansWhatTheDocsSay() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String block : Readme.blocks("docs/performance.md", "Method")) lines.addAll(joined(block));
    for (String block :
        Readme.blocks("docs/performance.md", "2026-12-02: a slower machine (issue #20)")) {
      lines.addAll(joined(block));
    }
    // docs/reliability.md's block stands before its first section.
    lines.addAll(
        joined(
            DocBlocksTest.blocksOfTheProjectsDocuments()
                .get(new DocBlocksTest.Block("docs/reliability.md", "", 1))));
    assertThat(lines).hasSizeGreaterThanOrEqualTo(9);

    String pom = Files.readString(ROOT.resolve("pom.xml"));
    String chaos = source("io.runwarden.reliability.ChaosIT");
    String config =
        Files.readString(ROOT.resolve("src/main/java/io/runwarden/config/RunwardenConfig.java"));
    int checked = 0;
    for (String line : lines) {
      List<String> words = List.of(line.split("\\s+"));
      if (words.get(0).startsWith("scripts/")) {
        Path script = ROOT.resolve(words.get(0));
        assertThat(script).as(line).isExecutable();
        assertThat(Processes.run("bash", "-n", script.toString()).exit()).as(line).isZero();
        checked++;
        continue;
      }
      assertThat(words.subList(0, 2)).as(line).containsExactly("./mvnw", "-B");
      assertThat(words).as(line).contains("verify");
      for (String word : words) {
        if (word.startsWith("-P")) {
          assertThat(pom).as(line).contains("<id>" + word.substring(2) + "</id>");
          checked++;
        } else if (word.startsWith("-D")) {
          String key = word.substring(2, word.indexOf('='));
          String value = word.substring(word.indexOf('=') + 1);
          if (key.startsWith("bench.")) {
            assertThat(pom).as("%s: the profile hands %s on", line, key).contains("${" + key + "}");
          } else if (key.startsWith("chaos.")) {
            assertThat(chaos).as("%s: ChaosIT reads %s", line, key).contains("\"" + key + "\"");
          } else {
            assertThat(key).as(line).isEqualTo("it.test");
          }
          if (key.equals("bench.main")) {
            assertThat(sourceFile(value)).as(line).exists();
          } else if (key.equals("it.test")) {
            assertThat(sourceFile("io.runwarden.reliability." + value)).as(line).exists();
          } else if (key.equals("bench.operatorArgs")) {
            Matcher m = Pattern.compile("-Drunwarden\\.([a-z-]+)=\\S+").matcher(value);
            assertThat(m.matches()).as(line).isTrue();
            assertThat(config)
                .as("%s: runwarden.%s is a configuration key", line, m.group(1))
                .contains(" " + camel(m.group(1)) + "()");
          }
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(20);
  }

  /** A block's lines, a trailing backslash joining the next, comments removed. */
  private static List<String> joined(String block) {
    return Readme.commands(block.replace("\\\n", " "));
  }

  private static String camel(String kebab) {
    StringBuilder b = new StringBuilder();
    for (String part : kebab.split("-")) {
      b.append(b.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return b.toString();
  }

  private static Path sourceFile(String className) {
    return ROOT.resolve("src/test/java/" + className.replace('.', '/') + ".java");
  }

  private static String source(String className) throws IOException {
    return Files.readString(sourceFile(className));
  }
}
