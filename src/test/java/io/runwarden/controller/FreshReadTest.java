package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.lifecycle.Decision;
import io.runwarden.lifecycle.ExternalCheckRequest;
import io.runwarden.reports.ReportChannel;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A decision that ends an attempt is checked against the API server first, and a version the
 * informer has not delivered yet (a worker's report) is found there. Against a real API server.
 */
class FreshReadTest {

  private final KubernetesClient client = TestCluster.get().client();
  private final FreshRead freshRead = new FreshRead(client);

  @Test
  void aReportTheInformerHasNotDeliveredIsFoundOnTheApiServer() {
    String ns = TestCluster.get().newNamespace("freshread");
    QualificationRun run = create(ns, "r1");
    QualificationRunReport seen = openReport(run);
    TestWorker worker = new TestWorker(client, ns, "r1", "w1");
    worker.claim();
    worker.heartbeat(1, 5L, "item=5");

    Optional<QualificationRunReport> newer = freshRead.newerReport(run, seen);
    assertThat(newer).isPresent();
    assertThat(newer.get().getStatus().getCompleted()).isEqualTo(5L);
    assertThat(freshRead.newerReport(run, null)).as("the informer has none yet").isPresent();

    // A version at least as new as the API server's stays.
    QualificationRunReport ahead = newer.get();
    ahead.getMetadata().setResourceVersion(Long.toString(Long.MAX_VALUE));
    assertThat(freshRead.newerReport(run, ahead)).isEmpty();
  }

  private QualificationRunReport openReport(QualificationRun run) {
    QualificationRunStatus status = new QualificationRunStatus();
    status.setPhase(Phase.Pending);
    status.setAttempt(1);
    new ReportChannel(client).open(run, status, null, Optional::empty);
    return client
        .resources(QualificationRunReport.class)
        .inNamespace(run.getMetadata().getNamespace())
        .withName(run.getMetadata().getName())
        .get();
  }

  @Test
  void onlyDecisionsThatEndAnAttemptOrAskTheServiceAreChecked() {
    QualificationRun running = withPhase(Phase.Running);
    assertThat(FreshRead.needed(running, decision(Phase.Running))).isFalse();
    assertThat(FreshRead.needed(running, decision(Phase.Succeeded))).isFalse();
    assertThat(FreshRead.needed(running, decision(Phase.Retrying))).isTrue();
    assertThat(FreshRead.needed(running, decision(Phase.Failed))).isTrue();
    assertThat(FreshRead.needed(withPhase(Phase.Retrying), decision(Phase.Retrying))).isFalse();
    assertThat(FreshRead.needed(withPhase(Phase.Failed), decision(Phase.Failed))).isFalse();
    Decision ask =
        new Decision(
            running.getStatus(),
            List.of(),
            Optional.empty(),
            Optional.of(new ExternalCheckRequest(1, null)),
            List.of());
    assertThat(FreshRead.needed(running, ask)).isTrue();
  }

  private QualificationRun create(String ns, String name) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    run.setSpec(new QualificationRunSpec());
    return client.resource(run).create();
  }

  private static QualificationRun withPhase(Phase phase) {
    QualificationRun run = new QualificationRun();
    run.setStatus(status(phase));
    return run;
  }

  private static Decision decision(Phase phase) {
    return new Decision(status(phase), List.of(), Optional.empty());
  }

  private static QualificationRunStatus status(Phase phase) {
    QualificationRunStatus s = new QualificationRunStatus();
    s.setPhase(phase);
    s.setAttempt(1);
    return s;
  }
}
