package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.T0;
import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.ExternalServiceSpec;
import io.runwarden.api.v1alpha1.ExternalServiceSpec.OnUnreachable;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.lifecycle.ExternalResult.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class ExternalAndQueueRulesTest {

  @Nested
  class ExternalCheck {
    /** Attempt 1 claimed, reported service job "job-7", then lost its heartbeat at 40 s. */
    private RunSimulator stuckRun(OnUnreachable onUnreachable) {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                spec.getTimeouts().setRun("1h");
                spec.getTimeouts().setHeartbeat("30s");
                ExternalServiceSpec e = new ExternalServiceSpec();
                e.setStatusUrl("https://llm.example.com/batches/{serviceJobId}");
                e.setOnUnreachable(onUnreachable);
                spec.setExternalService(e);
              });
      sim.decide();
      sim.claim("w1");
      sim.report().setServiceJobId("job-7");
      sim.decide();
      sim.at(s(40)).decide(); // HeartbeatLost; retry at 50 s
      assertThat(sim.status().getPhase()).isEqualTo(Phase.Retrying);
      return sim;
    }

    private Decision answer(RunSimulator sim, Result result) {
      return sim.lifecycle.decide(
          sim.run, Inputs.NONE.withExternal(new ExternalResult(result, "status=x")), sim.now);
    }

    /** A worker's service job id (free text) and failure text reach messages escaped. */
    @Test
    void aWorkersJobIdAndErrorAreRepeatedEscaped() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                spec.getTimeouts().setRun("1h");
                ExternalServiceSpec e = new ExternalServiceSpec();
                e.setStatusUrl("https://llm.example.com/batches/{serviceJobId}");
                spec.setExternalService(e);
              });
      sim.decide();
      sim.claim("w1");
      sim.report().setServiceJobId("job-7\n2026-12-04 ERROR forged id");
      sim.report().setError("endpoint 503\n2026-12-04 ERROR forged error");
      sim.outcome(Outcome.Failed);
      Decision failed = sim.at(s(5)).decide();
      assertThat(failed.status().getLastErrorMessage())
          .contains("endpoint 503\\n2026-12-04 ERROR forged error")
          .doesNotContain("\n");
      Decision asked = answer(sim.at(s(50)), Result.Running);
      for (Decision d : List.of(failed, asked)) {
        assertThat(d.status().getMessage()).doesNotContain("\n");
        assertThat(d.events()).allSatisfy(e -> assertThat(e.message()).doesNotContain("\n"));
      }
      assertThat(asked.status().getMessage()).contains("job-7\\n2026-12-04 ERROR forged id");
    }

    @Test
    void atTheRetryInstantTheCoreAsksFirstAndChangesNothing() {
      RunSimulator sim = stuckRun(null);
      Decision d = sim.at(s(50)).decide();
      assertThat(d.externalCheck()).contains(new ExternalCheckRequest(1, "job-7"));
      assertThat(d.events()).isEmpty();
      assertThat(sim.status().getAttempt()).isEqualTo(1);
    }

    @Test
    void completedExternallySucceedsWithoutANewAttempt() {
      RunSimulator sim = stuckRun(null);
      sim.at(s(50));
      Decision d = answer(sim, Result.Completed);
      assertThat(d.status().getPhase()).isEqualTo(Phase.Succeeded);
      assertThat(d.status().getReason()).isEqualTo(Reasons.COMPLETED_EXTERNALLY);
      assertThat(d.status().getAttempt()).isEqualTo(1);
      assertThat(d.status().getExternalCheck().getResult()).isEqualTo("Completed");
      assertThat(d.status().getAttempts())
          .singleElement()
          .satisfies(a -> assertThat(a.getReason()).isEqualTo(Reasons.COMPLETED_EXTERNALLY));
    }

    @Test
    void runningExternallyWaitsAndAsksAgainAtTheHeartbeatInterval() {
      RunSimulator sim = stuckRun(null);
      sim.at(s(50));
      Decision d = answer(sim, Result.Running);
      assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
      assertThat(d.status().getAttempt()).isEqualTo(1);
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.EXTERNAL_RUNNING))
          .isTrue();
      assertThat(d.wakeAt()).contains(T0.plus(s(80)));
      assertThat(d.events()).extracting(RunEvent::reason).containsExactly(Reasons.EXTERNAL_RUNNING);
    }

    @Test
    void aShortHeartbeatLimitNeverMakesTheServiceAskedMoreThanEveryFiveSeconds() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                spec.getTimeouts().setRun("1h");
                spec.getTimeouts().setHeartbeat("1s");
                ExternalServiceSpec e = new ExternalServiceSpec();
                e.setStatusUrl("https://llm.example.com/batches/{serviceJobId}");
                spec.setExternalService(e);
              });
      sim.decide();
      sim.claim("w1");
      sim.report().setServiceJobId("job-7");
      sim.decide();
      sim.at(s(2)).decide(); // HeartbeatLost
      Instant retryAt = Instant.parse(sim.status().getNextRetryAt());
      sim.at(Duration.between(T0, retryAt));
      Decision d = answer(sim, Result.Running);
      assertThat(d.wakeAt()).contains(retryAt.plus(s(5)));
    }

    @Test
    void failedOrUnknownRetriesAsUsual() {
      for (Result r : new Result[] {Result.Failed, Result.Unknown}) {
        RunSimulator sim = stuckRun(null);
        sim.at(s(50));
        Decision d = answer(sim, r);
        assertThat(d.status().getAttempt()).as("%s", r).isEqualTo(2);
        assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
      }
    }

    @Test
    void unreachableFollowsOnUnreachable() {
      RunSimulator retry = stuckRun(OnUnreachable.Retry);
      assertThat(answer(retry.at(s(50)), Result.Unreachable).status().getAttempt()).isEqualTo(2);

      RunSimulator wait = stuckRun(OnUnreachable.Wait);
      Decision waited = answer(wait.at(s(50)), Result.Unreachable);
      assertThat(waited.status().getPhase()).isEqualTo(Phase.Retrying);
      assertThat(waited.status().getAttempt()).isEqualTo(1);

      RunSimulator fail = stuckRun(OnUnreachable.Fail);
      Decision failed = answer(fail.at(s(50)), Result.Unreachable);
      assertThat(failed.status().getPhase()).isEqualTo(Phase.Failed);
      assertThat(failed.status().getReason()).isEqualTo(Reasons.EXTERNAL_UNREACHABLE);
    }

    @Test
    void withoutAServiceJobIdThereIsNothingToAsk() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                spec.getTimeouts().setStart("1m");
                ExternalServiceSpec e = new ExternalServiceSpec();
                e.setStatusUrl("https://llm.example.com/{serviceJobId}");
                spec.setExternalService(e);
              });
      sim.decide();
      sim.at(m(1)).decide();
      Decision d = sim.at(m(2)).decide();
      assertThat(d.externalCheck()).isEmpty();
      assertThat(d.status().getAttempt()).isEqualTo(2);
    }

    @Test
    void aStatusUrlThatIsNotHttpIsInvalidSpec() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                ExternalServiceSpec e = new ExternalServiceSpec();
                e.setStatusUrl("file:///etc/passwd");
                spec.setExternalService(e);
              });
      Decision d = sim.decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.INVALID_SPEC);
      assertThat(d.status().getMessage()).contains("spec.externalService.statusUrl");
    }

    /**
     * The schema now refuses whitespace in the URL (BadInputIT), but a CRD installed before that
     * did not: the parser's complaint repeats the URL and must not carry a break into the message.
     */
    @Test
    void anUnparsableStatusUrlIsRepeatedEscaped() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                ExternalServiceSpec e = new ExternalServiceSpec();
                e.setStatusUrl("https://x.example/j\n2026-12-04 ERROR forged line");
                spec.setExternalService(e);
              });
      Decision d = sim.decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.INVALID_SPEC);
      assertThat(d.status().getMessage())
          .contains("spec.externalService.statusUrl: is not a valid URL")
          .contains("\\n2026-12-04 ERROR forged line")
          .doesNotContain("\n");
      assertThat(d.events()).allSatisfy(ev -> assertThat(ev.message()).doesNotContain("\n"));
    }
  }

  @Nested
  class Queue {
    private RunSimulator keyed() {
      return new RunSimulator(
          spec -> {
            spec.getTimeouts().setStart("1m");
            ConcurrencySpec c = new ConcurrencySpec();
            c.setKey("portal-acme");
            spec.setConcurrency(c);
          });
    }

    private Decision decide(RunSimulator sim, Admission admission) {
      return sim.decide(Inputs.NONE.withAdmission(admission));
    }

    @Test
    void aConcurrencyKeyIsRepeatedEscaped() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                spec.getTimeouts().setStart("1m");
                ConcurrencySpec c = new ConcurrencySpec();
                c.setKey("portal-acme\n2026-12-04 ERROR forged line");
                spec.setConcurrency(c);
              });
      Decision queued = decide(sim, Admission.queued("older", "active"));
      Decision admitted = decide(sim.at(s(10)), Admission.ADMITTED);
      for (Decision d : List.of(queued, admitted)) {
        assertThat(d.status().getMessage())
            .contains("portal-acme\\n2026-12-04 ERROR forged line")
            .doesNotContain("\n");
        assertThat(d.events()).allSatisfy(e -> assertThat(e.message()).doesNotContain("\n"));
      }
    }

    @Test
    void queuedRunsRunNoStartTimerAndStartWhenAdmitted() {
      RunSimulator sim = keyed();
      Decision d = decide(sim, Admission.queued("older", "active"));
      assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
      assertThat(d.status().getReason()).isEqualTo(Reasons.QUEUED);
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.QUEUED)).isTrue();
      assertThat(d.status().getMessage()).contains("older").contains("portal-acme");

      d = decide(sim.at(m(5)), Admission.queued("older", "active"));
      assertThat(d.status().getPhase()).as("no StartTimeout while queued").isEqualTo(Phase.Pending);

      d = decide(sim.at(m(6)), Admission.ADMITTED);
      assertThat(d.status().getReason()).isEqualTo(Reasons.ADMITTED);
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.QUEUED)).isFalse();
      assertThat(d.wakeAt()).contains(T0.plus(m(7)));
    }

    @Test
    void aRunDeepInTheLineShowsARoundedPositionAndNoHoldersSoItsStatusRarelyChanges() {
      RunSimulator sim = keyed();
      Decision d = decide(sim, Admission.inLine(List.of("a", "b"), 3, "all active"));
      assertThat(d.status().getQueue().getPosition()).isEqualTo(3);
      assertThat(d.status().getQueue().getHolders()).containsExactly("a", "b");
      assertThat(d.status().getMessage())
          .startsWith("Position 3 in the queue. Waits for runs a, b");

      d = decide(sim.at(s(10)), Admission.inLine(List.of("a", "b"), 27, "all active"));
      assertThat(d.status().getQueue().getPosition()).isEqualTo(20);
      assertThat(d.status().getQueue().getExact()).isFalse();
      assertThat(d.status().getQueue().getHolders()).isNull();
      String deep = d.status().getMessage();
      assertThat(deep).startsWith("Position 20 or later in the queue for concurrency key");

      // Other holders, another place in the twenties: nothing to write.
      d = decide(sim.at(s(20)), Admission.inLine(List.of("c", "d"), 24, "all active"));
      assertThat(d.status().getMessage()).isEqualTo(deep);
      assertThat(d.status().getQueue().getPosition()).isEqualTo(20);
    }

    @Test
    void aReplacedRunFailsWithReplaced() {
      RunSimulator sim = keyed();
      decide(sim, Admission.ADMITTED);
      sim.run.getMetadata().setAnnotations(Map.of(Annotations.REPLACED_BY, "newer"));
      Decision d = decide(sim.at(s(5)), Admission.ADMITTED);
      assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
      assertThat(d.status().getReason()).isEqualTo(Reasons.REPLACED);
      assertThat(d.status().getMessage()).contains("newer");
    }
  }
}
