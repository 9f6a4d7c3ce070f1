package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runwarden.testing.MovingClock;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The grace a slow API server buys workers: from the operator's own slowest recent write. */
@Tag("pure")
class ApiLatencyTest {

  @Test
  void ordinaryLatencyMovesNoLimit() {
    MovingClock clock = new MovingClock();
    ApiLatency latency = new ApiLatency(clock);
    assertThat(latency.grace()).isZero();
    latency.record(Duration.ofMillis(40));
    latency.record(Duration.ofMillis(999));
    assertThat(latency.grace()).isZero();
  }

  @Test
  void aSlowWriteBuysTwiceItsTimeForAMinuteThenNothing() {
    MovingClock clock = new MovingClock();
    ApiLatency latency = new ApiLatency(clock);
    latency.record(Duration.ofMillis(1500));
    latency.record(Duration.ofMillis(300));
    assertThat(latency.grace()).isEqualTo(Duration.ofSeconds(3));

    clock.now = clock.now.plusSeconds(30);
    latency.record(Duration.ofMillis(1200));
    assertThat(latency.grace()).as("the slowest of the minute").isEqualTo(Duration.ofSeconds(3));

    clock.now = clock.now.plusSeconds(40); // the 1.5 s write is 70 s old
    assertThat(latency.grace()).isEqualTo(Duration.ofMillis(2400));

    clock.now = clock.now.plusSeconds(70);
    assertThat(latency.grace()).as("the server has been fast for a minute").isZero();
  }

  @Test
  void theGraceIsCapped() {
    ApiLatency latency = new ApiLatency(new MovingClock());
    latency.record(Duration.ofMinutes(5));
    assertThat(latency.grace()).isEqualTo(ApiLatency.MAX_GRACE);
  }

  @Test
  void aTimedRequestThatFailsStillCounts() {
    MovingClock clock = new MovingClock();
    ApiLatency latency = new ApiLatency(clock);
    assertThatThrownBy(
            () ->
                latency.timed(
                    () -> {
                      clock.now = clock.now.plusSeconds(10); // a request timeout
                      throw new IllegalStateException("timed out");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(latency.grace()).isEqualTo(Duration.ofSeconds(20));
  }
}
