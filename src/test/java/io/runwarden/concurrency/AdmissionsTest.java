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
  void allowAndUnkeyedRunsAreAlwaysAdmitted() {
    var holder = withPhase(run("a", 1, ConcurrencySpec.Policy.Allow), Phase.Running, false);
    var b = run("b", 2, ConcurrencySpec.Policy.Allow);
    assertThat(decide(b, List.of(holder, b)).admitted()).isTrue();
  }
}
