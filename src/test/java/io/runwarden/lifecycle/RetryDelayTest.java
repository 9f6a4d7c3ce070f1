package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.T0;
import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.retry;
import static io.runwarden.lifecycle.RunSimulator.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** When a retry may start: backoff, jitter, the worker's retryAfter, the deadline (RetryDelay). */
@Tag("pure")
class RetryDelayTest {

  /** run 1h, heartbeat 30s, 2 retries after 10s x2 up to 1m, with {@code jitter}. */
  private static RunSimulator run(String uid, Double jitter) {
    RunSimulator sim =
        new RunSimulator(
            spec -> {
              spec.getTimeouts().setRun("1h");
              spec.getTimeouts().setHeartbeat("30s");
              spec.setRetry(retry(2, "10s", 2.0, "1m"));
              spec.getRetry().getBackoff().setJitter(jitter);
            });
    sim.run.getMetadata().setUid(uid);
    return sim;
  }

  /** Claims at 5 s and fails at 10 s; returns when the retry starts. */
  private static Instant retryAfterFailure(RunSimulator sim, String retryAfter) {
    sim.decide();
    sim.at(s(5)).claim("w1").decide();
    sim.at(s(10)).outcome(Outcome.Failed);
    sim.report.setRetryAfter(retryAfter);
    sim.decide();
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Retrying);
    return Instant.parse(sim.status().getNextRetryAt());
  }

  @Test
  void withoutJitterTheRetryComesExactlyAfterTheBackoff() {
    assertThat(retryAfterFailure(run("a", 0.0), null)).isEqualTo(T0.plus(s(20)));
  }

  @Test
  void jitterShortensTheDelayTheSameWayEveryTimeForARunAndDifferentlyAcrossRuns() {
    Set<Instant> across = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      Instant at = retryAfterFailure(run("uid-" + i, 0.5), null);
      // 10 s backoff from the failure at 10 s, shortened by up to half.
      assertThat(at).isBetween(T0.plus(s(15)), T0.plus(s(20)));
      assertThat(retryAfterFailure(run("uid-" + i, 0.5), null)).as("reproducible").isEqualTo(at);
      across.add(at);
    }
    assertThat(across).as("spread across runs").hasSizeGreaterThan(40);
  }

  @Test
  void theDefaultJitterIsATenth() {
    Instant at = retryAfterFailure(run("uid-default", null), null);
    assertThat(at).isBetween(T0.plus(s(19)), T0.plus(s(20)));
    assertThat(RunPolicy.DEFAULT_JITTER).isEqualTo(0.1);
  }

  @Test
  void theWorkerCanAskForALaterRetryAsADurationOrATime() {
    assertThat(retryAfterFailure(run("a", 0.0), "5m")).isEqualTo(T0.plus(s(10)).plus(m(5)));
    RunSimulator sim = run("b", 0.0);
    assertThat(retryAfterFailure(sim, "2026-01-01T00:14:05Z"))
        .isEqualTo(Instant.parse("2026-01-01T00:14:05Z"));
    assertThat(sim.status().getMessage())
        .contains("the worker asked for no retry before 2026-01-01T00:14:05Z");
  }

  @Test
  void aRetryAfterSoonerThanTheBackoffOrUnreadableChangesNothing() {
    assertThat(retryAfterFailure(run("a", 0.0), "1s")).isEqualTo(T0.plus(s(20)));
    assertThat(retryAfterFailure(run("a", 0.0), "next tuesday")).isEqualTo(T0.plus(s(20)));
  }

  @Test
  void aRetryAfterPastTheDeadlineWaitsForTheDeadlineWhichFailsTheRun() {
    RunSimulator sim = run("a", 0.0);
    Instant at = retryAfterFailure(sim, "8760h"); // a year
    assertThat(at).isEqualTo(T0.plus(Duration.ofHours(1)));
    sim.at(Duration.ofHours(1)).decide();
    assertThat(sim.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
  }

  @Test
  void theSpreadIsAFractionBelowOne() {
    for (int attempt = 1; attempt < 200; attempt++) {
      assertThat(RetryDelay.spread("run", attempt)).isGreaterThanOrEqualTo(0).isLessThan(1);
    }
    assertThat(RetryDelay.jittered(Duration.ofSeconds(10), 0.1, 0.999)).isBetween(s(9), s(10));
  }
}
