package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.WorkerReport;
import io.runwarden.testing.RunFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportChangeFilterTest {

  private final ReportChangeFilter filter = new ReportChangeFilter();

  private static QualificationRun run(long generation, WorkerReport report, Phase phase) {
    QualificationRun run = RunFixtures.run("r");
    run.getMetadata().setGeneration(generation);
    QualificationRunStatus status = new QualificationRunStatus();
    status.setPhase(phase);
    status.setReport(report);
    run.setStatus(status);
    return run;
  }

  private static WorkerReport report(int attempt, long completed, String heartbeat) {
    WorkerReport r = new WorkerReport();
    r.setAttempt(attempt);
    r.setCompleted(completed);
    r.setHeartbeatAt(heartbeat);
    return r;
  }

  @Test
  void heartbeatOnlyUpdatesAndOwnStatusWritesDoNotReconcile() {
    var old = run(1, report(1, 5, "2026-01-01T00:00:00Z"), Phase.Running);
    assertThat(filter.accept(run(1, report(1, 5, "2026-01-01T00:00:30Z"), Phase.Running), old))
        .isFalse();
    assertThat(filter.accept(run(1, report(1, 5, "2026-01-01T00:00:00Z"), Phase.Retrying), old))
        .isFalse();
  }

  @Test
  void progressClaimsOutcomesSpecAndAnnotationChangesDo() {
    var old = run(1, report(1, 5, "t"), Phase.Running);
    assertThat(filter.accept(run(1, report(1, 6, "t"), Phase.Running), old)).isTrue();
    assertThat(filter.accept(run(1, report(2, 5, "t"), Phase.Running), old)).isTrue();
    var finished = report(1, 5, "t");
    finished.setOutcome(Outcome.Succeeded);
    assertThat(filter.accept(run(1, finished, Phase.Running), old)).isTrue();
    assertThat(filter.accept(run(2, report(1, 5, "t"), Phase.Running), old)).isTrue();
    var annotated = run(1, report(1, 5, "t"), Phase.Running);
    annotated.getMetadata().setAnnotations(Map.of("runwarden.io/retry", "1"));
    assertThat(filter.accept(annotated, old)).isTrue();
    assertThat(filter.accept(run(1, report(1, 5, "t"), Phase.Running), run(1, null, Phase.Pending)))
        .isTrue();
  }
}
