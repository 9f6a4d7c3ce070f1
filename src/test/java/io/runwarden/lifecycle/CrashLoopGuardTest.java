package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.retry;
import static io.runwarden.lifecycle.RunSimulator.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Phase;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Attempts that keep dying at the same item end the run (rule: CrashLoopGuard). */
@Tag("pure")
class CrashLoopGuardTest {

  /** run 1h, heartbeat 30s, 5 retries after 10s x2 up to 1m; guard after {@code limit}. */
  private static RunSimulator run(Integer limit) {
    return new RunSimulator(
        spec -> {
          spec.getTimeouts().setRun("1h");
          spec.getTimeouts().setHeartbeat("30s");
          spec.setRetry(retry(5, "10s", 2.0, "1m"));
          spec.getRetry().setMaxAttemptsWithoutProgress(limit);
        });
  }

  /** From Pending: a worker claims, reports {@code completed} once, then goes silent. */
  private static void attemptDiesAt(RunSimulator sim, long completed) {
    sim.after(s(1)).claim("w").decide();
    sim.after(s(1)).heartbeat(completed);
    sim.report.setCheckpoint("item-" + completed);
    sim.decide();
    sim.after(s(31)).decide(); // heartbeat lost
  }

  /** From Retrying: the backoff passes and the next attempt opens. */
  private static void nextAttemptOpens(RunSimulator sim) {
    sim.at(
            Duration.between(
                RunSimulator.T0, java.time.Instant.parse(sim.status().getNextRetryAt())))
        .decide();
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Pending);
  }

  @Test
  void twoAttemptsInARowStuckAtTheSameItemFailTheRun() {
    RunSimulator sim = run(2);
    sim.decide();
    attemptDiesAt(sim, 8); // attempt 1 got from 0 to 8: progress
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Retrying);
    nextAttemptOpens(sim);
    attemptDiesAt(sim, 8); // attempt 2 resumed at 8 and died there
    assertThat(sim.status().getPhase())
        .as("one attempt without progress")
        .isEqualTo(Phase.Retrying);
    nextAttemptOpens(sim);
    attemptDiesAt(sim, 8); // attempt 3: the second in a row

    assertThat(sim.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(sim.status().getReason()).isEqualTo(Reasons.NO_PROGRESS_ACROSS_ATTEMPTS);
    assertThat(sim.status().getMessage())
        .contains("Attempts 2 to 3 ended without getting past item 8 (checkpoint item-8)")
        .contains("spec.retry.maxAttemptsWithoutProgress=2");
    assertThat(sim.status().getRetryCount()).as("budget left: 5").isEqualTo(2);
    assertThat(sim.eventReasons()).contains(Reasons.NO_PROGRESS_ACROSS_ATTEMPTS);
  }

  /** The checkpoint is the worker's free text: the message repeats it escaped, the data as is. */
  @Test
  void theCheckpointInTheMessageIsEscaped() {
    RunSimulator sim = run(1);
    sim.decide();
    attemptDiesAt(sim, 8);
    nextAttemptOpens(sim);
    sim.after(s(1)).claim("w").decide();
    sim.after(s(1)).heartbeat(8L);
    sim.report.setCheckpoint("page=8\n2026-12-04 ERROR forged line");
    sim.decide();
    sim.after(s(31)).decide();

    assertThat(sim.status().getReason()).isEqualTo(Reasons.NO_PROGRESS_ACROSS_ATTEMPTS);
    assertThat(sim.status().getMessage())
        .contains("(checkpoint page=8\\n2026-12-04 ERROR forged line)")
        .doesNotContain("\n");
    assertThat(sim.status().getCheckpoint())
        .as("handed to the next attempt exactly")
        .isEqualTo("page=8\n2026-12-04 ERROR forged line");
  }

  @Test
  void anAttemptThatAdvancesStartsTheCountAgain() {
    RunSimulator sim = run(2);
    sim.decide();
    attemptDiesAt(sim, 8);
    nextAttemptOpens(sim);
    attemptDiesAt(sim, 8); // no progress
    nextAttemptOpens(sim);
    attemptDiesAt(sim, 9); // progress: one item
    nextAttemptOpens(sim);
    attemptDiesAt(sim, 9); // no progress, but only one in a row

    assertThat(sim.status().getPhase()).isEqualTo(Phase.Retrying);
    assertThat(sim.status().getAttempt()).isEqualTo(4);
  }

  @Test
  void withoutTheSettingTheBudgetDecides() {
    RunSimulator sim = run(null);
    sim.decide();
    for (int attempt = 1; attempt <= 6; attempt++) {
      attemptDiesAt(sim, 8);
      if (attempt < 6) nextAttemptOpens(sim);
    }
    assertThat(sim.status().getReason()).isEqualTo(Reasons.RETRIES_EXHAUSTED);
  }
}
