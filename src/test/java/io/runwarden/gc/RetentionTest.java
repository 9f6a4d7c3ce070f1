package io.runwarden.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class RetentionTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private final Retention retention =
      new Retention(Duration.ofDays(7), Duration.ofDays(30), OptionalInt.empty());

  private static QualificationRun run(String name, Phase phase, Duration finishedAgo) {
    QualificationRun r = new QualificationRun();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid(name).build());
    r.setSpec(new QualificationRunSpec());
    QualificationRunStatus s = new QualificationRunStatus();
    s.setPhase(phase);
    if (finishedAgo != null) s.setCompletedAt(NOW.minus(finishedAgo).toString());
    r.setStatus(s);
    return r;
  }

  private List<String> chosen(QualificationRun... runs) {
    return retention.select(List.of(runs), NOW).stream()
        .map(r -> r.getMetadata().getName())
        .toList();
  }

  @Test
  void finishedRunsPastTheirOutcomesRetentionAreChosenOldestFirst() {
    assertThat(
            chosen(
                run("s-8d", Phase.Succeeded, Duration.ofDays(8)),
                run("s-6d", Phase.Succeeded, Duration.ofDays(6)),
                run("f-8d", Phase.Failed, Duration.ofDays(8)),
                run("f-32d", Phase.Failed, Duration.ofDays(32)),
                run("s-7d", Phase.Succeeded, Duration.ofDays(7))))
        .containsExactly("f-32d", "s-8d", "s-7d");
  }

  @Test
  void runsThatAreNotFinishedAreNeverChosenWhateverTheirAge() {
    QualificationRun ancientRunning = run("running", Phase.Running, Duration.ofDays(999));
    assertThat(
            chosen(
                ancientRunning,
                run("pending", Phase.Pending, null),
                run("retrying", Phase.Retrying, Duration.ofDays(400)),
                run("suspended", Phase.Suspended, Duration.ofDays(400)),
                run("nophase", null, null)))
        .isEmpty();
  }

  @Test
  void ttlAfterFinishedOverridesTheDefault() {
    QualificationRun shortLived = run("short", Phase.Succeeded, Duration.ofHours(2));
    shortLived.getSpec().setTtlAfterFinished("1h");
    QualificationRun longLived = run("long", Phase.Succeeded, Duration.ofDays(10));
    longLived.getSpec().setTtlAfterFinished("30d");
    assertThat(chosen(shortLived, longLived)).containsExactly("short");
  }

  @Test
  void theNewestFinishedRunsPerKeyCanBeKept() {
    Retention keep2 = new Retention(Duration.ofDays(7), Duration.ofDays(7), OptionalInt.of(2));
    QualificationRun[] runs = new QualificationRun[4];
    for (int i = 0; i < 4; i++) {
      runs[i] = run("k" + i, Phase.Succeeded, Duration.ofDays(10 + i));
      ConcurrencySpec c = new ConcurrencySpec();
      c.setKey("portal");
      runs[i].getSpec().setConcurrency(c);
    }
    assertThat(keep2.select(List.of(runs), NOW))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("k3", "k2");
  }

  @Test
  void badOrOverflowingRetentionsNeverStopTheSweep() {
    // Unparseable (stored before the schema bounded it): the outcome's default applies. Too long to
    // add up: kept. Either way every other run is still chosen.
    QualificationRun endless = run("endless", Phase.Succeeded, Duration.ofDays(9));
    endless.getSpec().setTtlAfterFinished("999999999d".repeat(371));
    QualificationRun huge = run("huge", Phase.Succeeded, Duration.ofDays(9));
    huge.getSpec().setTtlAfterFinished("999999999d999999999d");
    assertThat(chosen(endless, huge, run("neighbour", Phase.Succeeded, Duration.ofDays(8))))
        .containsExactly("endless", "neighbour");
  }
}
