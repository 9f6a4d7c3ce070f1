package io.runwarden.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class ConditionsTest {

  private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2026-01-01T00:05:00Z");

  @Test
  void transitionTimeChangesOnlyWhenStatusFlips() {
    var c = Conditions.set(null, "Running", true, "Claimed", "a", 1L, T1);
    c = Conditions.set(c, "Running", true, "Still", "b", 2L, T2);
    var running = Conditions.find(c, "Running");
    assertThat(running.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(running.getReason()).isEqualTo("Still");
    assertThat(running.getMessage()).isEqualTo("b");
    assertThat(running.getObservedGeneration()).isEqualTo(2L);

    c = Conditions.set(c, "Running", false, "HeartbeatLost", "c", 2L, T2);
    assertThat(Conditions.find(c, "Running").getLastTransitionTime())
        .isEqualTo("2026-01-01T00:05:00Z");
  }

  @Test
  void otherConditionsAreLeftAlone() {
    var c = Conditions.set(null, "Running", true, "R", "m", 1L, T1);
    c = Conditions.set(c, "Stuck", false, "S", "m", 1L, T2);
    assertThat(c).hasSize(2);
    assertThat(Conditions.isTrue(c, "Running")).isTrue();
    assertThat(Conditions.isTrue(c, "Stuck")).isFalse();
  }
}
