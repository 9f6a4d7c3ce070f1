package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.retry;
import static io.runwarden.lifecycle.RunSimulator.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Phase;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Managed mode: an attempt whose container exits with a code listed in {@code
 * spec.retry.nonRetryableExitCodes} fails the run at once (a bad argument is not worth a retry);
 * other codes are retried as usual (rule: Transitions.jobEnded).
 */
@Tag("pure")
class NonRetryableExitCodesTest {

  private static RunSimulator managed(List<Integer> codes) {
    return new RunSimulator(
        spec -> {
          spec.getTimeouts().setRun("1h");
          spec.setRetry(retry(3, "10s", 2.0, "1m"));
          spec.getRetry().setNonRetryableExitCodes(codes);
          spec.setJob(RunSimulator.managedJob());
        });
  }

  private static Decision exits(RunSimulator sim, int code) {
    sim.decide();
    sim.at(s(5))
        .decide(
            Inputs.NONE.withJob(
                AttemptObservation.of(AttemptObservation.State.Started, "pod-1", "pod running")));
    return sim.at(s(10))
        .decide(
            Inputs.NONE.withJob(
                AttemptObservation.failed(
                    "pod-1", "pod pod-1 container w exited " + code + " (Error)", code)));
  }

  @Test
  void aListedExitCodeFailsTheRunAtOnceNamingIt() {
    RunSimulator sim = managed(List.of(2, 42));
    Decision d = exits(sim, 2);
    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(d.status().getReason()).isEqualTo(Reasons.NON_RETRYABLE);
    assertThat(d.status().getMessage())
        .contains("exited 2")
        .contains("Exit code 2 is in spec.retry.nonRetryableExitCodes");
    assertThat(d.status().getRetryCount()).isZero();
  }

  @Test
  void anotherExitCodeIsRetried() {
    Decision d = exits(managed(List.of(2, 42)), 1);
    assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
    assertThat(d.status().getReason()).isEqualTo(Reasons.WORKER_FAILED);
  }

  @Test
  void anExitCodeOutOfRangeIsAnInvalidSpecNamingTheField() {
    Decision d = managed(List.of(0)).decide();
    assertThat(d.status().getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(d.status().getMessage()).startsWith("spec.retry.nonRetryableExitCodes: ");
  }
}
