package io.runwarden.lifecycle;

import static io.runwarden.lifecycle.RunSimulator.T0;
import static io.runwarden.lifecycle.RunSimulator.m;
import static io.runwarden.lifecycle.RunSimulator.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Backoff;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.ResumePolicy;
import io.runwarden.api.v1alpha1.RetryPolicy;
import io.runwarden.api.v1alpha1.RetryReason;
import io.runwarden.api.v1alpha1.WorkerReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every lifecycle rule, on a fake clock. */
class LifecycleTest {

  /** run 1h, start 1m, heartbeat 30s, backoff 10s x2 up to 1m, 2 retries. */
  private static RunSimulator standardRun() {
    return new RunSimulator(
        spec -> {
          spec.getTimeouts().setRun("1h");
          spec.getTimeouts().setStart("1m");
          spec.getTimeouts().setHeartbeat("30s");
          spec.setRetry(retry(2, "10s", 2.0, "1m"));
        });
  }

  private static RetryPolicy retry(int max, String initial, double factor, String cap) {
    RetryPolicy r = new RetryPolicy();
    r.setMaxRetries(max);
    Backoff b = new Backoff();
    b.setInitial(initial);
    b.setFactor(factor);
    b.setMax(cap);
    r.setBackoff(b);
    return r;
  }

  @Nested
  class Acceptance {
    @Test
    void newRunIsPendingWithAbsoluteDeadlineAndWakesAtTheStartLimit() {
      RunSimulator sim = standardRun();
      Decision d = sim.at(s(2)).decide();

      assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
      assertThat(d.status().getAttempt()).isEqualTo(1);
      assertThat(d.status().getRetryCount()).isZero();
      assertThat(d.status().getTimeoutAt()).isEqualTo("2026-01-01T01:00:00Z");
      assertThat(d.status().getObservedGeneration()).isEqualTo(1L);
      assertThat(d.wakeAt()).contains(T0.plus(s(2)).plus(m(1)));
      assertThat(sim.eventReasons()).containsExactly(Reasons.ACCEPTED);
      assertThat(Conditions.find(d.status().getConditions(), ConditionTypes.SUCCEEDED).getStatus())
          .isEqualTo("False");
    }

    @Test
    void deciding_again_without_news_changes_nothing_and_emits_nothing() {
      RunSimulator sim = standardRun();
      sim.decide();
      var before = sim.status();
      int events = sim.events.size();
      sim.after(s(5)).decide();
      assertThat(sim.events).hasSize(events);
      assertThat(sim.status().getConditions()).isEqualTo(before.getConditions());
    }

    @Test
    void invalidSpecFailsNamingTheField() {
      RunSimulator sim = new RunSimulator(spec -> spec.getTimeouts().setHeartbeat("0s"));
      Decision d = sim.decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
      assertThat(d.status().getReason()).isEqualTo(Reasons.INVALID_SPEC);
      assertThat(d.status().getMessage()).contains("spec.timeouts.heartbeat");
      assertThat(d.wakeAt()).isEmpty();
    }

    @Test
    void malformedDurationThatBypassedTheSchemaIsInvalidSpec() {
      RunSimulator sim = new RunSimulator(spec -> spec.getTimeouts().setRun("ten minutes"));
      Decision d = sim.decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.INVALID_SPEC);
      assertThat(d.status().getMessage()).contains("spec.timeouts.run").contains("ten minutes");
    }

    @Test
    void aJobNeedsExactlyOneOfTemplateAndTemplateRef() {
      var template = io.runwarden.testing.RunFixtures.template("x");
      record Case(
          io.fabric8.kubernetes.api.model.PodTemplateSpec template, String ref, String field) {}
      for (Case c :
          java.util.List.of(
              new Case(null, null, "spec.job.template: "),
              new Case(template, "scraper", "spec.job.templateRef: "),
              new Case(null, " ", "spec.job.templateRef.name: "),
              new Case(null, "scraper", null),
              new Case(template, null, null))) {
        RunSimulator sim =
            new RunSimulator(
                spec -> {
                  var job = new io.runwarden.api.v1alpha1.AttemptJobSpec();
                  job.setTemplate(c.template());
                  job.setTemplateRef(
                      c.ref() == null ? null : new io.runwarden.api.v1alpha1.TemplateRef(c.ref()));
                  spec.setJob(job);
                });
        Decision d = sim.decide();
        if (c.field() == null) {
          assertThat(d.status().getPhase()).as("%s", c).isEqualTo(Phase.Pending);
        } else {
          assertThat(d.status().getReason()).as("%s", c).isEqualTo(Reasons.INVALID_SPEC);
          assertThat(d.status().getMessage()).as("%s", c).startsWith(c.field());
        }
      }
    }

    @Test
    void aRunInTheOperatorsOwnNamespaceIsInvalidSpecAndOthersAreNot() {
      Lifecycle lifecycle =
          new Lifecycle(LifecycleDefaults.standard(), java.util.Optional.of("runwarden-system"));
      RunSimulator sim = new RunSimulator(spec -> {});
      sim.run.getMetadata().setNamespace("runwarden-system");
      Decision d = lifecycle.decide(sim.run, T0);
      assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
      assertThat(d.status().getReason()).isEqualTo(Reasons.INVALID_SPEC);
      assertThat(d.status().getMessage()).startsWith("metadata.namespace: ");

      sim.run.getMetadata().setNamespace("team-a");
      assertThat(lifecycle.decide(sim.run, T0).status().getPhase()).isEqualTo(Phase.Pending);
    }
  }

  @Nested
  class StartTimeout {
    @Test
    void oneMilliBeforeTheLimitNothingHappens() {
      RunSimulator sim = standardRun();
      sim.decide();
      Decision d = sim.at(m(1).minusMillis(1)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
      assertThat(d.wakeAt()).contains(T0.plus(m(1)));
    }

    @Test
    void exactlyAtTheLimitTheAttemptEndsAndARetryIsScheduled() {
      RunSimulator sim = standardRun();
      sim.decide();
      Decision d = sim.at(m(1)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
      assertThat(d.status().getReason()).isEqualTo(Reasons.START_TIMEOUT);
      assertThat(d.status().getRetryCount()).isEqualTo(1);
      assertThat(d.status().getNextRetryAt()).isEqualTo("2026-01-01T00:01:10Z");
      assertThat(d.wakeAt()).contains(T0.plus(m(1)).plus(s(10)));
      assertThat(d.status().getAttempts())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.getAttempt()).isEqualTo(1);
                assertThat(a.getOutcome()).isEqualTo(Outcome.Failed);
                assertThat(a.getReason()).isEqualTo(Reasons.START_TIMEOUT);
              });
      assertThat(sim.last.events())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.type()).isEqualTo(RunEvent.Type.Warning);
                assertThat(e.message()).contains("Retry 1/2 starts at 2026-01-01T00:01:10Z");
              });
    }
  }

  @Nested
  class Heartbeats {
    /** While the API server is slow to accept writes, the limits get the shell's grace. */
    @Test
    void aSlowApiServerGraceDelaysHeartbeatLostByTheGraceAndNoMore() {
      RunSimulator sim = standardRun(); // heartbeat 30s
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      Inputs slow = Inputs.NONE.withLivenessGrace(s(8));
      Decision d = sim.at(s(5).plus(s(30)).plus(s(8)).minusMillis(1)).decide(slow);
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(43)));
      sim.at(s(43)).decide(slow);
      assertThat(sim.events).extracting(RunEvent::reason).contains(Reasons.HEARTBEAT_LOST);
      assertThat(sim.events)
          .anySatisfy(
              e ->
                  assertThat(e.message())
                      .contains("timeouts.heartbeat=30s, plus 8s while the API server is slow"));
    }

    @Test
    void theStartLimitGetsTheGraceToo() {
      RunSimulator sim = standardRun(); // start 1m
      sim.decide();
      Inputs slow = Inputs.NONE.withLivenessGrace(s(20));
      assertThat(sim.at(m(1)).decide(slow).status().getAttempt()).isEqualTo(1);
      sim.at(m(1).plus(s(20))).decide(slow);
      assertThat(sim.events).extracting(RunEvent::reason).contains(Reasons.START_TIMEOUT);
    }

    @Test
    void claimMakesTheRunRunningAndFreshHeartbeatsKeepItSo() {
      RunSimulator sim = standardRun();
      sim.decide();
      Decision d = sim.at(s(5)).claim("w1").decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(35)));
      assertThat(sim.eventReasons()).containsExactly(Reasons.ACCEPTED, Reasons.CLAIMED);

      sim.at(s(30)).heartbeat(null);
      d = sim.at(s(35)).decide(); // the old deadline's wake-up finds a newer heartbeat
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(60)));
    }

    @Test
    void silenceExactlyAsLongAsTheLimitIsHeartbeatLostAndStuck() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      sim.at(s(10)).heartbeat(null);
      Decision d = sim.at(s(40)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
      assertThat(d.status().getReason()).isEqualTo(Reasons.HEARTBEAT_LOST);
      assertThat(d.status().getLastErrorMessage()).contains("No heartbeat").contains("00:00:10Z");
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.STUCK)).isTrue();
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.RUNNING)).isFalse();
    }

    @Test
    void aHeartbeatSlightlyAheadCountsAsNow() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      sim.at(s(30));
      sim.report().setHeartbeatAt(T0.plus(s(40)).toString()); // worker clock 10 s fast
      Decision d = sim.at(s(35)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(65)));
    }

    @Test
    void aHeartbeatFarInTheFutureIsNotTrustedAtAll() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(s(5)).claim("w1");
      sim.report().setHeartbeatAt(T0.plus(Duration.ofDays(1)).toString());
      Decision d = sim.decide();
      assertThat(d.wakeAt()).contains(T0.plus(s(35)));
      d = sim.at(s(35)).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.HEARTBEAT_LOST);
    }

    @Test
    void unparseableHeartbeatIsIgnoredNotFatal() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(s(5)).claim("w1");
      sim.report().setHeartbeatAt("yesterday-ish");
      Decision d = sim.decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(s(35)));
    }

    @Test
    void withoutAHeartbeatLimitASilentWorkerIsNotStuck() {
      RunSimulator sim =
          new RunSimulator(
              new LifecycleDefaults(
                  Duration.ofHours(1),
                  java.util.Optional.empty(),
                  m(1),
                  java.util.Optional.empty(),
                  java.util.Optional.empty(),
                  2,
                  s(10),
                  2,
                  m(1),
                  10,
                  s(15),
                  Duration.ofDays(365)),
              spec -> {});
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      Decision d = sim.at(m(50)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.wakeAt()).contains(T0.plus(Duration.ofHours(1)));
    }
  }

  @Nested
  class ProgressRule {
    private RunSimulator progressRun() {
      return new RunSimulator(
          spec -> {
            spec.getTimeouts().setRun("2h");
            spec.getTimeouts().setHeartbeat("30s");
            spec.getTimeouts().setProgress("2m");
            spec.setTotal(100L);
          });
    }

    @Test
    void heartbeatsWithoutProgressAreNoProgress() {
      RunSimulator sim = progressRun();
      sim.decide();
      sim.at(s(0)).claim("w1").decide();
      for (int t = 20; t < 120; t += 20) {
        sim.at(s(t)).heartbeat(0L).decide();
      }
      Decision d = sim.at(s(120)).heartbeat(0L).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.NO_PROGRESS);
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.STUCK)).isTrue();
    }

    @Test
    void aSlowRunThatKeepsAdvancingIsNeverStuck() {
      RunSimulator sim = progressRun();
      sim.decide();
      sim.at(s(0)).claim("w1").decide();
      // one item every 110 s: slow, but always inside the 2 min progress window
      for (int i = 1; i <= 50; i++) {
        Decision d = sim.at(s(110L * i)).heartbeat((long) i).decide();
        assertThat(d.status().getPhase()).as("after item %d", i).isEqualTo(Phase.Running);
        // heartbeats in between keep the heartbeat rule satisfied
        sim.at(s(110L * i + 25)).heartbeat((long) i).decide();
        sim.at(s(110L * i + 50)).heartbeat((long) i).decide();
        sim.at(s(110L * i + 75)).heartbeat((long) i).decide();
        sim.at(s(110L * i + 100)).heartbeat((long) i).decide();
      }
      assertThat(sim.status().getProgress().getSummary()).isEqualTo("50/100");
      assertThat(sim.status().getProgress().getPercent()).isEqualTo(50);
    }

    @Test
    void completedAboveTotalIsClampedAndNegativeIgnored() {
      RunSimulator sim = progressRun();
      sim.decide();
      sim.claim("w1").decide();
      Decision d = sim.at(s(20)).heartbeat(5000L).decide();
      assertThat(d.status().getProgress().getCompleted()).isEqualTo(100);
      sim.report().setCompleted(-3L);
      d = sim.at(s(40)).decide();
      assertThat(d.status().getProgress().getCompleted()).isEqualTo(100);
    }

    @Test
    void progressAloneIsMirroredAtMostOncePerRefreshInterval() {
      RunSimulator sim = progressRun();
      sim.decide();
      sim.at(s(0)).claim("w1").decide();
      QualificationRunStatus claimed = sim.status();
      // 15 s refresh (LifecycleDefaults.standard): progress at 5 s leaves the status as stored...
      Decision d = sim.at(s(5)).heartbeat(7L).decide();
      assertThat(d.status().getProgress()).isEqualTo(claimed.getProgress());
      assertThat(d.events()).isEmpty();
      // ...and asks to be woken when the mirror is due, where it is written.
      assertThat(d.wakeAt()).contains(T0.plus(s(15)));
      d = sim.at(s(15)).decide();
      assertThat(d.status().getProgress().getSummary()).isEqualTo("7/100");
      assertThat(d.status().getProgress().getLastProgressAt())
          .isEqualTo(Times.format(T0.plus(s(15))));
    }

    @Test
    void aTransitionWritesTheNewestProgressAtOnce() {
      RunSimulator sim = progressRun();
      sim.decide();
      sim.at(s(0)).claim("w1").decide();
      sim.at(s(3)).heartbeat(40L).decide();
      sim.report().setCheckpoint("item=40");
      sim.at(s(3)).decide();
      sim.report().setOutcome(Outcome.Succeeded);
      sim.report().setCompleted(100L);
      Decision d = sim.at(s(4)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Succeeded);
      assertThat(d.status().getProgress().getSummary()).isEqualTo("100/100");
      assertThat(d.status().getCheckpoint())
          .as("the checkpoint held back with the progress, written with the transition")
          .isEqualTo("item=40");
    }

    @Test
    void progressNotYetMirroredStillCountsAgainstNoProgress() {
      RunSimulator sim = progressRun();
      sim.decide();
      sim.at(s(0)).claim("w1").decide();
      // Progress mirrored at 105 s; more progress at 110 s is held back until 120 s, and the
      // 2 min NoProgress deadline (225 s) must not fire on the stale mirror.
      for (int t = 15; t <= 105; t += 15) sim.at(s(t)).heartbeat((long) t / 15).decide();
      sim.at(s(110)).heartbeat(50L).decide();
      for (int t = 125; t <= 230; t += 15) {
        assertThat(sim.at(s(t)).heartbeat(50L).decide().status().getPhase())
            .as("at %d s", t)
            .isEqualTo(Phase.Running);
      }
    }

    @Test
    void etaAfterTheDeadlineRaisesAtRisk() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                spec.getTimeouts().setRun("10m");
                spec.setTotal(100L);
              });
      sim.decide();
      sim.claim("w1").decide();
      // 10 items in 5 minutes: 90 more need 45 minutes, the deadline is 5 minutes away
      Decision d = sim.at(m(5)).heartbeat(10L).decide();
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.AT_RISK)).isTrue();
      assertThat(Conditions.find(d.status().getConditions(), ConditionTypes.AT_RISK).getReason())
          .isEqualTo(Reasons.PROJECTED_PAST_DEADLINE);
      assertThat(d.status().getEstimatedCompletionAt()).isEqualTo("2026-01-01T00:50:00Z");

      d = sim.at(m(6)).heartbeat(99L).decide();
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.AT_RISK)).isFalse();
    }
  }

  @Nested
  class Outcomes {
    @Test
    void workerSuccessIsTerminalAndNeverRescheduled() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(s(5)).claim("w1").decide();
      Decision d = sim.at(s(20)).heartbeat(7L).outcome(Outcome.Succeeded).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Succeeded);
      assertThat(d.status().getCompletedAt()).isEqualTo("2026-01-01T00:00:20Z");
      assertThat(d.wakeAt()).isEmpty();
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.SUCCEEDED)).isTrue();
      assertThat(d.status().getAttempts())
          .singleElement()
          .satisfies(a -> assertThat(a.getOutcome()).isEqualTo(Outcome.Succeeded));

      // Terminal runs never change again, even past their deadline.
      Decision later = sim.at(Duration.ofHours(5)).decide();
      assertThat(later.status().getPhase()).isEqualTo(Phase.Succeeded);
      assertThat(later.events()).isEmpty();
    }

    @Test
    void workerFailureMarkedNotRetryableFailsAtOnce() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.claim("w1").decide();
      sim.at(s(3)).outcome(Outcome.Failed);
      sim.report().setError("model endpoint rejected the batch");
      sim.report().setRetryable(false);
      Decision d = sim.decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
      assertThat(d.status().getReason()).isEqualTo(Reasons.NON_RETRYABLE);
      assertThat(d.status().getLastErrorMessage()).contains("model endpoint rejected the batch");
    }

    @Test
    void reasonsLeftOutOfRetryOnAreNotRetried() {
      RunSimulator sim = standardRun();
      sim.run.getSpec().getRetry().setReasons(List.of(RetryReason.HeartbeatLost));
      sim.decide();
      Decision d = sim.at(m(1)).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.NON_RETRYABLE);
      assertThat(d.status().getMessage()).contains("StartTimeout is not in spec.retry.reasons");
    }

    @Test
    void retriesExhaustedNamesTheLastCause() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(m(1)).decide(); // attempt 1: StartTimeout, retry 1 at +10s
      sim.at(m(1).plus(s(10))).decide(); // attempt 2 created
      sim.at(m(2).plus(s(10))).decide(); // StartTimeout, retry 2 at +20s
      sim.at(m(2).plus(s(30))).decide(); // attempt 3
      sim.claim("w3").decide();
      Decision d = sim.at(m(3).plus(s(0))).decide(); // 30 s without heartbeat
      assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
      assertThat(d.status().getReason()).isEqualTo(Reasons.RETRIES_EXHAUSTED);
      assertThat(d.status().getMessage()).contains("last cause: HeartbeatLost");
      assertThat(d.status().getAttempts()).extracting(a -> a.getAttempt()).containsExactly(1, 2, 3);
      assertThat(d.status().getRetryCount()).isEqualTo(2);
    }

    @Test
    void lateSuccessOfAnAttemptAlreadyJudgedStuckIsAcceptedInsteadOfRetrying() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.claim("w1").decide();
      sim.at(s(30)).decide(); // HeartbeatLost
      assertThat(sim.status().getPhase()).isEqualTo(Phase.Retrying);
      Decision d = sim.at(s(33)).outcome(Outcome.Succeeded).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Succeeded);
      assertThat(d.status().getAttempt()).isEqualTo(1);
    }
  }

  @Nested
  class RetryAndResume {
    @Test
    void backoffIsExponentialAndCapped() {
      RunPolicy p = RunPolicy.resolve(standardRun().run.getSpec(), LifecycleDefaults.standard());
      assertThat(p.backoff(0)).isEqualTo(s(10));
      assertThat(p.backoff(1)).isEqualTo(s(20));
      assertThat(p.backoff(2)).isEqualTo(s(40));
      assertThat(p.backoff(3)).isEqualTo(m(1));
      assertThat(p.backoff(100)).isEqualTo(m(1));
    }

    @Test
    void nextAttemptResumesFromTheLastCheckpoint() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.claim("w1").decide();
      sim.at(s(10)).heartbeat(40L);
      sim.report().setCheckpoint("page=40");
      sim.decide();
      sim.at(s(40)).decide(); // HeartbeatLost at 10 + 30
      assertThat(sim.status().getCheckpoint()).isEqualTo("page=40");
      Decision d = sim.at(s(50)).decide();
      assertThat(d.status().getAttempt()).isEqualTo(2);
      assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
      assertThat(d.status().getCheckpoint()).isEqualTo("page=40");
      assertThat(d.status().getProgress().getCompleted()).isEqualTo(40);
      assertThat(d.events())
          .singleElement()
          .satisfies(e -> assertThat(e.message()).contains("resumes from the last checkpoint"));
      assertThat(Conditions.isTrue(d.status().getConditions(), ConditionTypes.STUCK)).isFalse();
    }

    @Test
    void restartPolicyStartsClean() {
      RunSimulator sim = standardRun();
      sim.run.getSpec().setResume(ResumePolicy.Restart);
      sim.decide();
      sim.claim("w1").decide();
      sim.at(s(10)).heartbeat(40L);
      sim.report().setCheckpoint("page=40");
      sim.decide();
      sim.at(s(40)).decide();
      Decision d = sim.at(s(50)).decide();
      assertThat(d.status().getCheckpoint()).isNull();
      assertThat(d.status().getProgress().getCompleted()).isZero();
      assertThat(d.events().get(0).message()).contains("starts from scratch");
    }

    @Test
    void reportsOfAStaleAttemptAreIgnored() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(m(1)).decide();
      sim.at(m(1).plus(s(10))).decide(); // attempt 2 pending
      WorkerReport zombie = new WorkerReport();
      zombie.setAttempt(1);
      zombie.setHeartbeatAt(sim.now.toString());
      zombie.setCompleted(99L);
      zombie.setOutcome(Outcome.Succeeded);
      sim.report = zombie;
      Decision d = sim.after(s(1)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
      assertThat(d.status().getAttempt()).isEqualTo(2);
      assertThat(d.status().getProgress().getCompleted()).isZero();
      // a report claiming a future attempt is not trusted either
      zombie.setAttempt(7);
      d = sim.after(s(1)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Pending);
    }

    @Test
    void backoffNeverPassesTheRunDeadline() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                spec.getTimeouts().setRun("2m");
                spec.getTimeouts().setStart("1m30s");
                spec.setRetry(retry(5, "1m", 2.0, "10m"));
              });
      sim.decide();
      Decision d = sim.at(s(90)).decide(); // StartTimeout; backoff 1m would end at 2m30s
      assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
      assertThat(d.status().getNextRetryAt()).isEqualTo("2026-01-01T00:02:00Z");
      d = sim.at(m(2)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
      assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
      assertThat(d.status().getAttempt()).isEqualTo(1);
    }
  }

  @Nested
  class RunDeadline {
    @Test
    void deadlineFailsAHealthyRunningAttemptWithoutRetry() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.claim("w1").decide();
      for (int t = 20; t < 3600; t += 20) {
        sim.at(s(t)).heartbeat((long) t).decide();
      }
      Decision before = sim.at(Duration.ofHours(1).minusMillis(1)).heartbeat(3600L).decide();
      assertThat(before.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(before.wakeAt()).contains(T0.plus(Duration.ofHours(1)));
      Decision d = sim.at(Duration.ofHours(1)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Failed);
      assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
      assertThat(d.status().getRetryCount()).isZero();
      assertThat(d.wakeAt()).isEmpty();
    }

    @Test
    void deadlineBeatsAPendingRetry() {
      RunSimulator sim =
          new RunSimulator(
              spec -> {
                spec.getTimeouts().setRun("5m");
                spec.getTimeouts().setStart("1m");
                spec.setRetry(retry(2, "3m", 2.0, "10m"));
              });
      sim.decide();
      sim.at(m(1)).decide(); // retry at 4m
      sim.at(m(4)).decide(); // attempt 2
      Decision d = sim.at(m(5)).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
    }

    @Test
    void operatorDownPastADeadlineActsAtOnceOnTheNextLook() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.claim("w1").decide();
      // The operator was away for two hours; the first decision after it is the final one.
      Decision d = sim.at(Duration.ofHours(2)).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
    }
  }

  @Nested
  class RestartSafety {
    @Test
    void freshHeartbeatIsUntouchedAndExpiredOneIsHandledAtOnce() {
      RunSimulator healthy = standardRun();
      RunSimulator dead = standardRun();
      for (RunSimulator sim : List.of(healthy, dead)) {
        sim.decide();
        sim.claim("w").decide();
      }
      // operator down from 10s to 100s; the healthy worker kept heartbeating meanwhile
      healthy.at(s(90)).heartbeat(9L);
      Decision h = healthy.at(s(100)).decide();
      Decision x = dead.at(s(100)).decide();
      assertThat(h.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(h.events()).isEmpty();
      assertThat(x.status().getReason()).isEqualTo(Reasons.HEARTBEAT_LOST);
    }
  }

  @Nested
  class Suspension {
    @Test
    void suspendStopsAttemptTimersButNotTheRunDeadline() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.claim("w1").decide();
      sim.run.getSpec().setSuspend(true);
      Decision d = sim.at(s(10)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Suspended);
      assertThat(d.wakeAt()).contains(T0.plus(Duration.ofHours(1)));

      // Ten silent minutes while suspended are not a lost heartbeat ...
      sim.run.getSpec().setSuspend(false);
      d = sim.at(m(10)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Running);
      assertThat(d.status().getReason()).isEqualTo(Reasons.RESUMED);
      assertThat(d.wakeAt()).contains(T0.plus(m(10)).plus(s(30)));
      // ... but silence after resuming is.
      d = sim.at(m(10).plus(s(30))).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.HEARTBEAT_LOST);
    }

    @Test
    void suspendedRunStillFailsAtItsDeadline() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.run.getSpec().setSuspend(true);
      sim.at(s(1)).decide();
      Decision d = sim.at(Duration.ofHours(1)).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.DEADLINE_EXCEEDED);
    }

    @Test
    void resumeShiftsAPendingRetryByThePause() {
      RunSimulator sim = standardRun();
      sim.decide();
      sim.at(m(1)).decide(); // retry at 1m10s
      sim.run.getSpec().setSuspend(true);
      sim.at(m(1).plus(s(5))).decide(); // 5 s before the retry
      sim.run.getSpec().setSuspend(false);
      Decision d = sim.at(m(5)).decide();
      assertThat(d.status().getPhase()).isEqualTo(Phase.Retrying);
      assertThat(Instant.parse(d.status().getNextRetryAt())).isEqualTo(T0.plus(m(5)).plus(s(5)));
    }
  }

  @Nested
  class AttemptLimit {
    @Test
    void attemptLimitCountsFromTheClaim() {
      RunSimulator sim = standardRun();
      sim.run.getSpec().getTimeouts().setAttempt("2m");
      sim.run.getSpec().getTimeouts().setHeartbeat(null);
      sim.decide();
      Decision d = sim.at(s(50)).claim("w1").decide();
      assertThat(d.status().getAttemptTimeoutAt()).isEqualTo("2026-01-01T00:02:50Z");
      d = sim.at(m(2).plus(s(50))).heartbeat(1L).decide();
      assertThat(d.status().getReason()).isEqualTo(Reasons.ATTEMPT_TIMED_OUT);
    }
  }
}
