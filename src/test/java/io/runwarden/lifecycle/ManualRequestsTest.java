package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One-shot requests by annotation: applied once, recorded, refused when they make no sense. */
@Tag("pure")
class ManualRequestsTest {

  private static RunSimulator run() {
    return new RunSimulator(
        spec -> {
          spec.getTimeouts().setRun("1h");
          spec.getTimeouts().setStart("1m");
          spec.getTimeouts().setHeartbeat("30s");
        });
  }

  private static void annotate(RunSimulator sim, String key, String value) {
    var a =
        sim.run.getMetadata().getAnnotations() == null
            ? new HashMap<String, String>()
            : new HashMap<>(sim.run.getMetadata().getAnnotations());
    a.put(key, value);
    sim.run.getMetadata().setAnnotations(a);
  }

  @Test
  void forceFailFailsWithTheGivenMessageOnce() {
    RunSimulator sim = run();
    sim.decide();
    sim.claim("w").decide();
    annotate(sim, Annotations.FORCE_FAIL, "portal is down, stop it");
    Decision d = sim.at(s(5)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(d.status().getReason()).isEqualTo(Reasons.FORCE_FAILED);
    assertThat(d.status().getMessage()).contains("portal is down, stop it");
    assertThat(d.status().getRequests().getForceFail()).isEqualTo("portal is down, stop it");

    d = sim.at(s(6)).decide(); // same annotation value again
    assertThat(d.events()).isEmpty();
  }

  @Test
  void aHugeMultiLineRequestIsCappedAndEscapedWhereverItIsCopied() {
    RunSimulator sim = run();
    sim.decide();
    sim.claim("w").decide();
    String flood = "line one\nFAKE LOG LINE\n" + "x".repeat(200_000);
    annotate(sim, Annotations.FORCE_FAIL, flood);
    Decision d = sim.at(s(5)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    String recorded = d.status().getRequests().getForceFail();
    assertThat(recorded)
        .startsWith("line one\\nFAKE LOG LINE\\n")
        .doesNotContain("\n")
        .hasSizeLessThan(Lifecycle.REQUEST_TEXT_MAX + 40);
    assertThat(d.status().getMessage()).doesNotContain("\n").hasSizeLessThan(400);
    assertThat(d.events())
        .allSatisfy(e -> assertThat(e.message()).doesNotContain("\n").hasSizeLessThan(400));

    d = sim.at(s(6)).decide(); // the same huge value again: already handled
    assertThat(d.events()).isEmpty();
  }

  @Test
  void retryNowStartsTheNextAttemptOfARunningRunImmediately() {
    RunSimulator sim = run();
    sim.decide();
    sim.claim("w").decide();
    annotate(sim, Annotations.RETRY_NOW, "1");
    Decision d = sim.at(s(5)).decide();
    assertThat(d.status().getAttempt()).isEqualTo(2);
    assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
    assertThat(d.status().getRetryCount()).as("manual retries use no budget").isZero();
    assertThat(d.status().getRequests().getManualRetries()).isEqualTo(1);
    assertThat(d.status().getAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a.getReason()).isEqualTo(Reasons.MANUAL_RETRY));
    assertThat(d.events())
        .extracting(RunEvent::reason)
        .containsExactly(Reasons.MANUAL_RETRY, Reasons.RETRY_STARTED);

    d = sim.at(s(6)).decide(); // re-applied with the same value: nothing
    assertThat(d.status().getAttempt()).isEqualTo(2);
    assertThat(d.events()).isEmpty();

    annotate(sim, Annotations.RETRY_NOW, "2"); // a new value is a new request
    assertThat(sim.at(s(7)).decide().status().getAttempt()).isEqualTo(3);
  }

  @Test
  void retryNowSkipsTheBackoffOfARetryingRun() {
    RunSimulator sim = run();
    sim.decide();
    sim.at(m(1)).decide(); // StartTimeout, retry at 1m10s
    annotate(sim, Annotations.RETRY_NOW, "now");
    Decision d = sim.at(m(1).plus(s(1))).decide();
    assertThat(d.status().getAttempt()).isEqualTo(2);
    assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
  }

  @Test
  void aFailedRunGetsOneExtraAttemptAndTheBudgetIsShown() {
    RunSimulator sim = run();
    sim.run.getSpec().setRetry(new io.runwarden.api.v1alpha1.RetryPolicy());
    sim.run.getSpec().getRetry().setMaxRetries(0);
    sim.decide();
    sim.at(m(1)).decide();
    assertThat(sim.status().getPhase()).isEqualTo(Phase.Failed);

    annotate(sim, Annotations.RETRY_NOW, "please");
    Decision d = sim.at(m(2)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
    assertThat(d.status().getAttempt()).isEqualTo(2);
    assertThat(d.status().getCompletedAt()).isNull();
    assertThat(d.wakeAt()).as("its start timer runs").contains(RunSimulator.T0.plus(m(3)));
    assertThat(d.events().get(0).message()).contains("one extra attempt").contains("0/0");
    assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.FAILED)).isFalse();

    // The extra attempt fails too: no budget left, the run fails again.
    Decision again = sim.at(m(3)).decide();
    assertThat(again.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(again.status().getReason()).isEqualTo(Reasons.RETRIES_EXHAUSTED);
  }

  @Test
  void senselessRequestsAreRefusedWithAClearEventOnce() {
    RunSimulator sim = run();
    sim.decide();
    sim.claim("w").decide();
    sim.at(s(3)).outcome(Outcome.Succeeded).decide();
    annotate(sim, Annotations.RETRY_NOW, "1");
    annotate(sim, Annotations.FORCE_FAIL, "x");
    Decision d = sim.at(s(4)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Succeeded);
    assertThat(d.events())
        .extracting(RunEvent::reason)
        .containsExactly(Reasons.REQUEST_REFUSED, Reasons.REQUEST_REFUSED);
    assertThat(d.events())
        .extracting(RunEvent::message)
        .anySatisfy(m -> assertThat(m).contains("Retry now refused").contains("Succeeded"));
    assertThat(sim.at(s(5)).decide().events()).isEmpty();
  }

  @Test
  void retryOfAFailedRunPastItsDeadlineIsRefused() {
    RunSimulator sim = run();
    sim.decide();
    sim.at(Duration.ofHours(1)).decide();
    annotate(sim, Annotations.RETRY_NOW, "1");
    Decision d = sim.at(Duration.ofHours(2)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(d.events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("extend spec.timeouts.run"));
  }

  @Test
  void retryNowOnASuspendedRunIsRefused() {
    RunSimulator sim = run();
    sim.decide();
    sim.run.getSpec().setSuspend(true);
    sim.at(s(1)).decide();
    annotate(sim, Annotations.RETRY_NOW, "1");
    Decision d = sim.at(s(2)).decide();
    assertThat(d.status().getPhase()).isEqualTo(Phase.Suspended);
    assertThat(d.events()).extracting(RunEvent::reason).containsExactly(Reasons.REQUEST_REFUSED);
  }
}
