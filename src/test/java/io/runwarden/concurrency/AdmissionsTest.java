package io.runwarden.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.lifecycle.Admission;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class AdmissionsTest {

  private static QualificationRun run(
      String name, int createdSecond, ConcurrencySpec.Policy policy) {
    QualificationRun r = new QualificationRun();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withUid("uid-" + name)
            .withCreationTimestamp("2026-01-01T00:00:" + String.format("%02d", createdSecond) + "Z")
            .build());
    QualificationRunSpec spec = new QualificationRunSpec();
    ConcurrencySpec c = new ConcurrencySpec();
    c.setKey("k");
    c.setPolicy(policy);
    spec.setConcurrency(c);
    r.setSpec(spec);
    return r;
  }

  private static QualificationRun withPhase(QualificationRun r, Phase phase, boolean queued) {
    QualificationRunStatus s = new QualificationRunStatus();
    s.setPhase(phase);
    s.setConditions(
        Conditions.set(null, ConditionTypes.QUEUED, queued, "x", "x", 1L, Instant.EPOCH));
    r.setStatus(s);
    return r;
  }

  private static Admission decide(QualificationRun me, List<QualificationRun> all) {
    return Admissions.decide(me, all, Set.of(), new ArrayList<>());
  }

  @Test
  void forbidQueuesBehindAnActiveHolderAndThenByCreationOrder() {
    var holder = withPhase(run("a", 1, null), Phase.Running, false);
    var b = run("b", 2, null);
    var c = run("c", 3, null);
    List<QualificationRun> all = List.of(holder, b, c);
    assertThat(decide(b, all).admitted()).isFalse();
    assertThat(decide(b, all).holder()).isEqualTo("a");
    assertThat(decide(c, all).admitted()).isFalse();

    withPhase(holder, Phase.Succeeded, false);
    assertThat(decide(c, all).admitted()).as("c waits for the older b").isFalse();
    assertThat(decide(c, all).holder()).isEqualTo("b");
    assertThat(decide(b, all).admitted()).isTrue();
  }

  @Test
  void anAdmissionTheCacheDoesNotShowYetStillHoldsTheKey() {
    var a = run("a", 1, null); // admitted a moment ago; its status is not in the cache yet
    var b = run("b", 1, null);
    var zz = run("0-earlier-name", 1, null);
    assertThat(
            Admissions.decide(zz, List.of(a, b, zz), Set.of("uid-a"), new ArrayList<>()).admitted())
        .as("earlier by name, but a holds the key already")
        .isFalse();
  }

  @Test
  void replaceEndsEveryOlderRunAndAdmitsTheNewestOnceTheyAreGone() {
    var old = withPhase(run("old", 1, ConcurrencySpec.Policy.Replace), Phase.Running, false);
    var queued = run("queued", 2, ConcurrencySpec.Policy.Replace);
    var newest = run("newest", 3, ConcurrencySpec.Policy.Replace);
    List<QualificationRun> toReplace = new ArrayList<>();
    Admission a = Admissions.decide(newest, List.of(old, queued, newest), Set.of(), toReplace);
    assertThat(a.admitted()).isFalse();
    assertThat(toReplace)
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("old", "queued");
    assertThat(decide(queued, List.of(old, queued, newest)).admitted())
        .as("an older run never takes the key from a newer one")
        .isFalse();

    withPhase(old, Phase.Failed, false);
    withPhase(queued, Phase.Failed, false);
    assertThat(decide(newest, List.of(old, queued, newest)).admitted()).isTrue();
  }

  @Test
  void withinOneSecondTheRunAcceptedFirstIsTheOlderWhateverTheNames() {
    var old = withPhase(run("old", 1, ConcurrencySpec.Policy.Replace), Phase.Running, false);
    old.getStatus().setStartedAt("2026-01-01T00:00:01.400Z");
    var newer = run("new", 1, ConcurrencySpec.Policy.Replace); // not accepted yet
    List<QualificationRun> toReplace = new ArrayList<>();
    Admissions.decide(newer, List.of(old, newer), Set.of(), toReplace);
    assertThat(toReplace).extracting(r -> r.getMetadata().getName()).containsExactly("old");
  }

  @Test
  void creationOrderIsTimeOrderWhateverFormTheTimestampIsWrittenIn() {
    // The API server writes 2026-01-01T00:00:05Z, compared as text; any other form is parsed.
    var holder = withPhase(run("holder", 0, null), Phase.Running, false);
    var a = run("a", 5, null);
    var b = run("b", 0, null);
    b.getMetadata().setCreationTimestamp("2026-01-01T01:00:04+01:00"); // 00:00:04Z: before a
    assertThat(Admissions.inCreationOrder(java.util.stream.Stream.of(a, b, holder)))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("holder", "b", "a");
    assertThat(decide(a, List.of(holder, a, b)).position()).isEqualTo(2);
    assertThat(decide(b, List.of(holder, a, b)).position()).isEqualTo(1);
  }

  private static QualificationRun limited(QualificationRun r, int limit) {
    r.getSpec().getConcurrency().setLimit(limit);
    return r;
  }

  @Test
  void withLimitTwoTwoHoldTheKeyAndTheRestWaitInLine() {
    var a = limited(withPhase(run("a", 1, null), Phase.Running, false), 2);
    var b = limited(run("b", 2, null), 2);
    var c = limited(run("c", 3, null), 2);
    var d = limited(run("d", 4, null), 2);
    List<QualificationRun> all = List.of(a, b, c, d);
    assertThat(decide(b, all).admitted()).as("one place is free").isTrue();
    Admission third = decide(c, all);
    assertThat(third.admitted()).as("b takes the free place first").isFalse();
    assertThat(third.position()).isEqualTo(1);
    assertThat(third.holder()).as("waits for the older b").isEqualTo("b");

    withPhase(b, Phase.Running, false);
    third = decide(c, all);
    assertThat(third.admitted()).isFalse();
    assertThat(third.position()).isEqualTo(1);
    assertThat(third.holders()).containsExactly("a", "b");
    assertThat(decide(d, all).position()).isEqualTo(2);

    withPhase(a, Phase.Failed, false);
    assertThat(decide(c, all).admitted()).isTrue();
    assertThat(decide(d, all).admitted()).as("c is ahead of d").isFalse();
    assertThat(decide(d, all).position()).isEqualTo(1);
  }

  @Test
  void aLimitLoweredBelowTheHoldersCountQueuesEveryNewcomer() {
    var a = limited(withPhase(run("a", 1, null), Phase.Running, false), 1);
    var b = limited(withPhase(run("b", 2, null), Phase.Running, false), 1);
    var c = limited(run("c", 3, null), 1);
    Admission verdict = decide(c, List.of(a, b, c));
    assertThat(verdict.admitted()).isFalse();
    assertThat(verdict.position()).as("never below 1").isEqualTo(1);
  }

  @Test
  void replaceWithLimitTwoKeepsTheNewestTwo() {
    var oldest =
        limited(
            withPhase(run("oldest", 1, ConcurrencySpec.Policy.Replace), Phase.Running, false), 2);
    var middle =
        limited(
            withPhase(run("middle", 2, ConcurrencySpec.Policy.Replace), Phase.Running, false), 2);
    var newest = limited(run("newest", 3, ConcurrencySpec.Policy.Replace), 2);
    List<QualificationRun> all = List.of(oldest, middle, newest);
    List<QualificationRun> toReplace = new ArrayList<>();
    assertThat(Admissions.decide(newest, all, Set.of(), toReplace).admitted()).isFalse();
    assertThat(toReplace).extracting(r -> r.getMetadata().getName()).containsExactly("oldest");
    assertThat(decide(middle, all).admitted()).as("the second newest keeps its place").isTrue();

    withPhase(oldest, Phase.Failed, false);
    assertThat(decide(newest, all).admitted()).isTrue();
  }

  @Test
  void allowAndUnkeyedRunsAreAlwaysAdmitted() {
    var holder = withPhase(run("a", 1, ConcurrencySpec.Policy.Allow), Phase.Running, false);
    var b = run("b", 2, ConcurrencySpec.Policy.Allow);
    assertThat(decide(b, List.of(holder, b)).admitted()).isTrue();
  }
}
