package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.api.v1alpha1.Outcome;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.api.v1alpha1.QualificationRunReportSpec;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.api.v1alpha1.WorkerReport;
import io.runwarden.testing.RunFixtures;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class ReportChangeFilterTest {

  private final ReportChangeFilter reports =
      new ReportChangeFilter(
          new ReportLateness(java.time.Clock.systemUTC(), new SimpleMeterRegistry()));
  private final RunChangeFilter runs = new RunChangeFilter();

  /** Run "a"'s report in namespace team-a. */
  static QualificationRunReport report(int open, WorkerReport status) {
    QualificationRunReport r = new QualificationRunReport();
    r.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("a")
            .withNamespace("team-a")
            .build());
    QualificationRunReportSpec spec = new QualificationRunReportSpec();
    spec.setAttempt(open);
    r.setSpec(spec);
    r.setStatus(status);
    return r;
  }

  static WorkerReport status(int attempt, long completed, String heartbeat) {
    WorkerReport r = new WorkerReport();
    r.setAttempt(attempt);
    r.setCompleted(completed);
    r.setHeartbeatAt(heartbeat);
    return r;
  }

  @Test
  void heartbeatOnlyReportsAndTheOperatorsOwnSpecWritesDoNotReconcile() {
    var old = report(1, status(1, 5, "2026-01-01T00:00:00Z"));
    assertThat(reports.accept(report(1, status(1, 5, "2026-01-01T00:00:30Z")), old)).isFalse();
    assertThat(reports.accept(report(2, status(1, 5, "2026-01-01T00:00:00Z")), old)).isFalse();
  }

  @Test
  void claimsProgressAndOutcomesDo() {
    var old = report(1, status(1, 5, "t"));
    assertThat(reports.accept(report(1, status(1, 6, "t")), old)).isTrue();
    assertThat(reports.accept(report(2, status(2, 5, "t")), old)).isTrue();
    var finished = status(1, 5, "t");
    finished.setOutcome(Outcome.Succeeded);
    assertThat(reports.accept(report(1, finished), old)).isTrue();
    assertThat(reports.accept(report(1, status(1, 5, "t")), report(1, null))).isTrue();
  }

  @Test
  void spendDoesTheBudgetIsJudgedOnEveryReport() {
    var old = report(1, status(1, 5, "t"));
    var spending = status(1, 5, "t2");
    spending.setSpent(1200L);
    assertThat(reports.accept(report(1, spending), old)).isTrue();
  }

  private static QualificationRun run(long generation, QualificationRunStatus status) {
    QualificationRun run = RunFixtures.run("r");
    run.getMetadata().setGeneration(generation);
    run.setStatus(status);
    return run;
  }

  @Test
  void aRunReconcilesOnSpecAndAnnotationChangesNotOnItsOwnStatusWrites() {
    var old = run(1, new QualificationRunStatus());
    QualificationRunStatus written = new QualificationRunStatus();
    written.setAttempt(2);
    assertThat(runs.accept(run(1, written), old)).isFalse();
    assertThat(runs.accept(run(2, written), old)).isTrue();
    var annotated = run(1, new QualificationRunStatus());
    annotated.getMetadata().setAnnotations(Map.of("runwarden.io/retry-now", "1"));
    assertThat(runs.accept(annotated, old)).isTrue();
  }
}
