package io.runwarden.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class UserTextTest {

  @Test
  void lineBreaksCannotForgeALogLine() {
    assertThat(UserText.escape("stop\n2026-12-02 INFO forged\r\u0007"))
        .isEqualTo("stop\\n2026-12-02 INFO forged\\r\\u0007")
        .doesNotContain("\n");
  }

  @Test
  void longTextIsCappedAndSaysHowMuchWasLeftOut() {
    String out = UserText.escape("x".repeat(40_000), 100);
    assertThat(out).startsWith("x".repeat(100)).endsWith("(39900 more characters)");
    assertThat(out.length()).isLessThan(130);
  }

  @Test
  void ordinaryTextIsUnchanged() {
    assertThat(UserText.escape("Worker w-1 claimed attempt 2 — ok"))
        .isEqualTo("Worker w-1 claimed attempt 2 — ok");
  }

  @Test
  void controlFreeEscapesWithoutCappingAndLeavesEscapedTextAsItIs() {
    String raw = "x".repeat(5_000) + "\nforged";
    assertThat(UserText.controlFree(raw)).isEqualTo("x".repeat(5_000) + "\\nforged");
    String escaped = UserText.escape("a\r\nb\u2028");
    assertThat(UserText.controlFree(escaped)).isSameAs(escaped);
    String plain = "Worker w-1 claimed attempt 2";
    assertThat(UserText.controlFree(plain)).isSameAs(plain);
  }
}
